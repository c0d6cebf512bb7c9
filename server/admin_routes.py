"""The admin sign-in, as API routes the Admin tab calls: outside Gradio's queue, so that guessing passwords
holds none of the places searches wait in."""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from server.admin_gate import COOKIE, AdminGate, AdminRefused, session_token
from server.guards import client_address
from server.ratelimit import retry_after

WRONG_PASSWORD_DELAY = 1.0  # seconds before a refusal: slows guessing without holding a thread or a queue place


class SignIn(BaseModel):
    password: str = ""


def admin_router(gate: AdminGate) -> APIRouter:
    """Gives POST/GET/DELETE /api/admin/session: sign in (a cookie), ask whether signed in, sign out."""
    router = APIRouter(prefix="/api/admin", include_in_schema=False)

    @router.post("/session")
    async def sign_in(body: SignIn, request: Request):
        try:
            token = gate.sign_in(body.password, client_address(request.scope))
        except AdminRefused as refused:
            if refused.status in (401, 429):
                await asyncio.sleep(WRONG_PASSWORD_DELAY)
            headers = {"Retry-After": retry_after(refused.retry_after)} if refused.retry_after else None
            return JSONResponse({"error": str(refused), "signed_in": False}, status_code=refused.status,
                                headers=headers)
        response = JSONResponse({"signed_in": True, "expires_in": int(gate.session_seconds)})
        response.set_cookie(COOKIE, token, max_age=int(gate.session_seconds), path="/", httponly=True,
                            samesite="strict", secure=request.url.scheme == "https")
        return response

    @router.get("/session")
    async def signed_in(request: Request):
        return {"signed_in": gate.is_admin(session_token(request.headers.get("cookie")))}

    @router.delete("/session")
    async def sign_out(request: Request):
        gate.sign_out(session_token(request.headers.get("cookie")))
        response = JSONResponse({"signed_in": False})
        response.delete_cookie(COOKIE, path="/")
        return response

    return router

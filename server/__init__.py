"""The app's edge toward the network, beside ui/: the JSON API (server.api), the admin sign-in
(server.admin_gate, server.admin_routes) and the guards every request passes (server.guards), assembled with the
Gradio page into one application by server.site. It reads the search layer; nothing below imports it."""

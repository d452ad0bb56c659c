"""Channels beyond e-mail, all delivered through the outbox (notifications.outbox):
at least once, retried with backoff, failures kept on the row.

- `routing`: which messages an event makes. Every `notify()` is an event; endpoints
  (webhooks, WeCom and DingTalk group robots) subscribed to its name get one message
  each, users who turned SMS on get one each, and e-mail is skipped for users who turned
  it off. All written in the caller's transaction, so a rolled-back change sends nothing.
- `senders`: the outbox channels `webhook`, `wecom`, `dingtalk` and `sms` (one HTTP
  session per batch; a non-2xx answer or an API error code raises, so the row is retried).
- `sms`: the provider interface (`SMS_BACKEND`): a console backend for development and
  an Aliyun SMS adapter (signed RPC request).

Webhook payload (JSON, `X-Servicedesk-Signature: sha256=<hex HMAC-SHA256 of the body
with the endpoint's secret>`, `X-Servicedesk-Event`, `X-Servicedesk-Delivery`):
`{"id": "<uuid of the event>", "event": "ticket_resolved", "occurred_at": ISO 8601,
"target": {"type": "tickets.ticket", "id": 12, "label": "FR-2026-000012 …", "url":
absolute page URL}, "data": {the event's context}}`.
"""

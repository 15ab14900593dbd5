/**
 * @module detection/channel-senders — sending one alert to one channel: a signed JSON webhook, a
 * Slack-compatible incoming webhook, or an email over SMTP. Each resolves only when the receiver
 * has taken the message (HTTP 2xx, SMTP 250 after DATA); anything else throws and the dispatcher
 * tries again later.
 */
import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { AlertDetail } from './detection-types.ts';

export const SEND_TIMEOUT_MS = 10_000;

/** The JSON every webhook receives (docs/detection.md). */
export function alertPayload(alert: AlertDetail, deliveryId: string) {
  return {
    type: 'palisade.alert',
    deliveryId,
    alert: {
      id: alert.id, ruleId: alert.ruleId, title: alert.title, severity: alert.severity, status: alert.status, subject: alert.subject,
      developer: alert.developer, engagementId: alert.engagementId, firstSeenAt: alert.firstSeenAt.toISOString(),
      lastSeenAt: alert.lastSeenAt.toISOString(), count: alert.count, tags: alert.tags, groupBy: alert.groupBy,
      events: alert.events.slice(0, 100).map((e) => ({ id: e.eventId, leafIndex: e.leafIndex, type: e.type, occurredAt: e.occurredAt.toISOString() })),
    },
  };
}

/**
 * `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the timestamp is signed with the body so a
 * captured delivery cannot be replayed later with a fresh timestamp.
 * @example signatureOf('s3cret', '1767225600', '{"type":"palisade.alert"}')
 */
export function signatureOf(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

async function post(url: string, headers: Record<string, string>, body: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'palisade-alerts/0.1' },
    body,
    // Credentials (the Slack URL, the signature) go only where configured.
    redirect: 'manual',
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
  });
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`);
}

/** POST the alert as signed JSON. */
export async function sendWebhook(url: string, secret: string, alert: AlertDetail, deliveryId: string, now: Date): Promise<void> {
  const body = JSON.stringify(alertPayload(alert, deliveryId));
  const timestamp = String(Math.floor(now.getTime() / 1000));
  await post(url, {
    'x-palisade-timestamp': timestamp, 'x-palisade-signature': signatureOf(secret, timestamp, body), 'x-palisade-delivery': deliveryId,
  }, body);
}

const EMOJI: Record<string, string> = { informational: ':information_source:', low: ':large_blue_circle:', medium: ':large_orange_circle:', high: ':red_circle:', critical: ':rotating_light:' };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Slack incoming-webhook message: `text` for notifications, `blocks` for the channel. */
export function slackMessage(alert: AlertDetail) {
  const text = `[${alert.severity}] ${alert.title} — ${alert.subject}`;
  const facts = [
    `*Severity:* ${alert.severity}`, `*Subject:* ${esc(alert.subject)}`, `*Rule:* \`${esc(alert.ruleId)}\``,
    `*First seen:* ${alert.firstSeenAt.toISOString()}`, `*Count:* ${alert.count}`,
    `*Log positions:* ${alert.events.slice(0, 10).map((e) => e.leafIndex).join(', ')}${alert.events.length > 10 ? ', …' : ''}`,
  ];
  return {
    text: esc(text),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: text.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: `${EMOJI[alert.severity] ?? ''} ${esc(alert.title)}` } },
      { type: 'section', fields: facts.map((f) => ({ type: 'mrkdwn', text: f })) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Palisade alert ${alert.id}` }] },
    ],
  };
}

export async function sendSlack(url: string, alert: AlertDetail): Promise<void> {
  await post(url, {}, JSON.stringify(slackMessage(alert)));
}

export interface SmtpSettings {
  host: string; port: number; tls: 'implicit' | 'starttls' | 'none'; from: string; to: string[]; username?: string | undefined;
}

/** Plain-text mail about the alert. */
export function emailOf(alert: AlertDetail): { subject: string; text: string } {
  return {
    subject: `[Palisade ${alert.severity}] ${alert.title} — ${alert.subject}`.replace(/[\r\n]+/g, ' ').slice(0, 200),
    text: [
      `${alert.title}`, '', `Severity:   ${alert.severity}`, `Subject:    ${alert.subject}`, `Rule:       ${alert.ruleId}`,
      `First seen: ${alert.firstSeenAt.toISOString()}`, `Last seen:  ${alert.lastSeenAt.toISOString()}`, `Count:      ${alert.count}`, '',
      'Events (id @ log position):', ...alert.events.slice(0, 50).map((e) => `  ${e.eventId} @ ${e.leafIndex}  ${e.type}`), '',
      `palisade alert show ${alert.id}`,
    ].join('\n'),
  };
}

export async function sendEmail(smtp: SmtpSettings, password: string | null, alert: AlertDetail): Promise<void> {
  const transport = nodemailer.createTransport({
    host: smtp.host, port: smtp.port, secure: smtp.tls === 'implicit', requireTLS: smtp.tls === 'starttls', ignoreTLS: smtp.tls === 'none',
    ...(smtp.username && password !== null ? { auth: { user: smtp.username, pass: password } } : {}),
    connectionTimeout: SEND_TIMEOUT_MS, greetingTimeout: SEND_TIMEOUT_MS, socketTimeout: SEND_TIMEOUT_MS,
  });
  try {
    const { subject, text } = emailOf(alert);
    await transport.sendMail({ from: smtp.from, to: smtp.to, subject, text, headers: { 'X-Palisade-Alert': alert.id } });
  } finally {
    transport.close();
  }
}

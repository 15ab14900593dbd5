/**
 * @module detection/alert-dispatcher — works through the delivery outbox: every pending delivery
 * that is due is sent to its channel; success marks it delivered, failure schedules the next try
 * with exponential backoff (1 s, 2 s, 4 s … at most 15 min) and keeps it pending for as long as the
 * channel exists. Detection never waits for it: the engine only writes outbox rows.
 */
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/database.ts';
import * as alerts from './alert-store.ts';
import type { ChannelSealer } from './channel-secrets.ts';
import { sendEmail, sendSlack, sendWebhook, type SmtpSettings } from './channel-senders.ts';
import * as store from './channel-store.ts';
import type { AlertDetail } from './detection-types.ts';

export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 15 * 60_000;
const BATCH = 50;

/** The wait after the `attempts`-th failed attempt. */
export const backoffMs = (attempts: number) => Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);

export interface AlertDispatcher {
  /** Send what is due now; returns how many were delivered and how many failed. */
  runOnce(): Promise<{ delivered: number; failed: number }>;
  /** When the next pending delivery is due (null: none pending). */
  nextDueAt(): Promise<Date | null>;
}

type Log = (obj: Record<string, unknown>, msg: string) => void;

/** @example const dispatcher = createAlertDispatcher({ db, clock, sealer }); await dispatcher.runOnce(); */
export function createAlertDispatcher(deps: { db: Database; clock: Clock; sealer: ChannelSealer; logger?: { warn: Log } | undefined }): AlertDispatcher {
  const { db, clock, sealer } = deps;
  const inFlight = new Set<string>();

  const send = async (channel: store.ChannelRow, alert: AlertDetail, deliveryId: string) => {
    const secret = channel.sealedSecret ? sealer.open(channel.sealedSecret) : null;
    if (channel.kind === 'webhook') return sendWebhook(String(channel.config.url), secret ?? '', alert, deliveryId, clock.now());
    if (channel.kind === 'slack') return sendSlack(secret ?? '', alert);
    return sendEmail(channel.config as unknown as SmtpSettings, secret, alert);
  };

  return {
    async runOnce() {
      // Passes may overlap (a receiver that hangs must not hold up the others): each takes only
      // deliveries no other pass is sending.
      const due = (await store.dueDeliveries(db, clock.now(), BATCH + inFlight.size)).filter((d) => !inFlight.has(d.id)).slice(0, BATCH);
      for (const d of due) inFlight.add(d.id);
      let delivered = 0;
      let failed = 0;
      const channels = new Map<string, store.ChannelRow | null>();
      const details = new Map<string, AlertDetail | null>();
      for (const d of due) {
        if (!channels.has(d.channelId)) channels.set(d.channelId, await store.findChannelForSending(db, d.channelId));
        if (!details.has(d.alertId)) {
          const a = await alerts.findAlert(db, d.alertId);
          details.set(d.alertId, a ? { ...a, events: await alerts.alertEvents(db, d.alertId, 100) } : null);
        }
      }
      // Channels are independent: one slow or failing receiver does not hold up the others.
      await Promise.all(due.map(async (d) => {
        const channel = channels.get(d.channelId);
        const alert = details.get(d.alertId);
        try {
          if (!channel || !alert || channel.status !== 'active') return;
          await send(channel, alert, d.id);
          await store.markDelivered(db, d.id, clock.now());
          delivered += 1;
        } catch (err) {
          failed += 1;
          const message = err instanceof Error ? err.message : String(err);
          const now = clock.now();
          await store.markFailed(db, d.id, message, now, new Date(now.getTime() + backoffMs(d.attempts + 1)));
          deps.logger?.warn({ channel: channel!.name, alertId: d.alertId, attempts: d.attempts + 1, err: message }, 'alert delivery failed; it will be retried');
        } finally {
          inFlight.delete(d.id);
        }
      }));
      return { delivered, failed };
    },
    nextDueAt: () => store.nextDueAt(db),
  };
}

/**
 * Notification delivery at start-up (ADR 0025): the transports from the configuration, and the local
 * mail catcher `npm start` runs when no SMTP server is configured (maildev: SMTP + a web page).
 */
import path from 'node:path';
import { resolveRecipients } from '../directory/recipients.js';
import type { ActivityDeps } from '../activities/index.js';
import { createEmailTransport, createSmsTransport } from '../notifications/transports.js';
import type { NotificationConfig } from './config.js';

/** The worker's notification dependencies; `smtpUrl` overrides SMTP_URL (the mail catcher's). */
export function notificationDeps(
  cfg: NotificationConfig,
  smtpUrl = cfg.smtpUrl,
): NonNullable<ActivityDeps['notifications']> {
  return {
    resolveRecipients,
    email: smtpUrl ? createEmailTransport({ smtpUrl, from: cfg.smtpFrom }) : undefined,
    sms: cfg.smsGatewayUrl ? createSmsTransport({ url: cfg.smsGatewayUrl, token: cfg.smsGatewayToken }) : undefined,
    publicBaseUrl: cfg.publicBaseUrl,
    retry: {
      initialIntervalMs: cfg.retryInitialS * 1000,
      maximumIntervalMs: 3_600_000,
      periodMs: cfg.retryPeriodS * 1000,
    },
  };
}

export interface MailCatcher {
  smtpUrl: string;
  webUrl: string;
  stop(): Promise<void>;
}

/** Starts maildev on 127.0.0.1 (messages kept under `<dataDir>/maildev`). */
export async function startMailCatcher(cfg: NotificationConfig, dataDir: string): Promise<MailCatcher> {
  const { MailDev } = await import('maildev');
  const md = new MailDev({
    smtp: cfg.mailCatcherSmtpPort,
    web: cfg.mailCatcherWebPort,
    ip: '127.0.0.1',
    webIp: '127.0.0.1',
    basePathname: '/',
    mailDirectory: path.join(dataDir, 'maildev'),
    silent: true,
  });
  await md.start();
  return {
    smtpUrl: `smtp://127.0.0.1:${cfg.mailCatcherSmtpPort}`,
    webUrl: `http://127.0.0.1:${cfg.mailCatcherWebPort}`,
    stop: () => md.stop(),
  };
}

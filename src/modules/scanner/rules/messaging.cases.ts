/** @module scanner/rules/messaging.cases — examples for chat, mail and notification services. */
import type { RuleCases } from '../testing/rule-cases.ts';

export const messagingCases: RuleCases[] = [
  { rule: 'slack-bot-token', positive: ['SLACK_BOT_TOKEN: «xoxb-{digits:12}-{digits:13}-{alnum:24}»'], negative: ['SLACK_BOT_TOKEN: xoxb-your-token'] },
  { rule: 'slack-user-token', positive: ['SLACK_USER_TOKEN: «xoxp-{digits:12}-{digits:12}-{digits:13}-{hex:32}»'], negative: ['SLACK_USER_TOKEN: xoxp-...'] },
  { rule: 'slack-app-token', positive: ['SLACK_APP_TOKEN: «xapp-1-A{ualnum:10}-{digits:13}-{hex:64}»'], negative: ['SLACK_APP_TOKEN: xapp-1-...'] },
  {
    rule: 'slack-webhook-url',
    positive: [{ text: 'const hook = "«https://hooks.slack.com/services/T{ualnum:8}/B{ualnum:10}/{alnum:24}»";', path: 'src/notify.ts' }],
    negative: ['webhook: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'],
  },
  {
    rule: 'discord-webhook-url',
    positive: ['DISCORD_WEBHOOK: «https://discord.com/api/webhooks/{digits:18}/{b64url:68}»'],
    negative: ['DISCORD_WEBHOOK: https://discord.com/api/webhooks/<id>/<token>'],
  },
  { rule: 'discord-bot-token', positive: ['DISCORD_BOT_TOKEN: «MT{b64url:22}.{b64url:6}.{b64url:38}»'], negative: ['DISCORD_BOT_TOKEN: ${DISCORD_BOT_TOKEN}'] },
  { rule: 'telegram-bot-token', positive: ['TELEGRAM_BOT_TOKEN: «{digits:10}:AA{b64url:33}»'], negative: ['time: 12:AA'] },
  {
    rule: 'microsoft-teams-webhook-url',
    positive: ['TEAMS_WEBHOOK: «https://acme.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{hex:32}/{uuid}»'],
    negative: ['TEAMS_WEBHOOK: https://acme.webhook.office.com/webhookb2/...'],
  },
  { rule: 'sendgrid-api-key', positive: ['SENDGRID_API_KEY: «SG.{b64url:22}.{b64url:43}»'], negative: ['SENDGRID_API_KEY: SG.xxxxx.yyyyy'] },
  { rule: 'mailgun-api-key', positive: ['MAILGUN_API_KEY: «key-{hex:32}»'], negative: ['primary-key-lookup: true'] },
  { rule: 'mailgun-private-key', positive: ['MAILGUN_PRIVATE_API_KEY: «{hex:32}-{hex:8}-{hex:8}»'], negative: ['MAILGUN_DOMAIN: mg.acme.io'] },
  { rule: 'mailchimp-api-key', positive: ['MAILCHIMP_API_KEY: «{hex:32}-us21»'], negative: ['locale: en-us'] },
  { rule: 'twilio-api-key', positive: ['TWILIO_API_KEY: «SK{hex:32}»'], negative: ['TWILIO_ACCOUNT_SID: AC{hex:32}'] },
  { rule: 'twilio-auth-token', positive: ['TWILIO_AUTH_TOKEN: «{hex:32}»'], negative: ['TWILIO_AUTH_TOKEN: ${TWILIO_AUTH_TOKEN}'] },
  { rule: 'brevo-api-key', positive: ['BREVO_API_KEY: «xkeysib-{hex:64}-{alnum:16}»'], negative: ['BREVO_API_KEY: xkeysib-...'] },
];

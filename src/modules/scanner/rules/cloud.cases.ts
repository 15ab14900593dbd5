/** @module scanner/rules/cloud.cases — positive and negative examples for the cloud rules. */
import type { RuleCases } from '../testing/rule-cases.ts';

export const cloudCases: RuleCases[] = [
  {
    rule: 'aws-access-key-id',
    positive: ['aws_access_key_id = «AKIA{base32:16}»', { text: 'const creds = { accessKeyId: "«ASIA{base32:16}»" };', path: 'src/aws.ts' }],
    negative: ['aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'key: AKIAXXXXXXXXXXXXXXXX', 'id = AKIA{base32:12}'],
  },
  {
    rule: 'aws-secret-access-key',
    positive: ['AWS_SECRET_ACCESS_KEY=«{b64:40}»', { text: '"SecretAccessKey": "«{b64:40}»",', path: 'creds.json' }],
    negative: ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key: ${AWS_SECRET_ACCESS_KEY}'],
  },
  {
    rule: 'gcp-api-key',
    positive: [{ text: 'const firebaseConfig = { apiKey: "«AIza{b64url:35}»" };', path: 'web/firebase.js' }],
    negative: ['apiKey: AIza', 'apiKey: "AIzaSy-your-api-key-here"'],
  },
  {
    rule: 'gcp-service-account-key',
    positive: [{ text: '{\n  "type": "service_account",\n  "private_key_id": "«{hex:40}»",\n  "client_email": "ci@proj.iam.gserviceaccount.com"\n}', path: 'sa.json' }],
    negative: [{ text: '{ "private_key_id": "0000000000000000000000000000000000000000" }', path: 'sa.json' }],
  },
  {
    rule: 'gcp-oauth-client-secret',
    positive: ['client_secret: «GOCSPX-{b64url:28}»'],
    negative: ['client_secret: GOCSPX-'],
  },
  {
    rule: 'google-oauth-access-token',
    positive: ['curl -H "X-Token: «ya29.{b64url:120}»" https://www.googleapis.com/drive/v3/files'],
    negative: ['# tokens look like ya29.<token>'],
  },
  {
    rule: 'google-oauth-refresh-token',
    positive: ['refresh: «1//0{b64url:96}»'],
    negative: ['see https://example.org/1//0 for details'],
  },
  {
    rule: 'azure-storage-account-key',
    positive: [{ text: 'conn = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=«{b64:86}==»;EndpointSuffix=core.windows.net"', path: 'app.py' }],
    negative: ['AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='.replace(/[A-Za-z0-9+/]{86}/, 'x'.repeat(86))],
  },
  {
    rule: 'azure-ad-client-secret',
    positive: ['AZURE_CLIENT_SECRET: «{alnum:3}8Q~{b64url:31}»'],
    negative: ['note: secrets contain Q~ somewhere'],
  },
  {
    rule: 'azure-sas-token',
    positive: ['url: https://acme.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=«{b64:43}%3D»'],
    negative: ['url: https://acme.blob.core.windows.net/backups/db.bak?sv=2022-11-02&sig=REDACTED'],
  },
  {
    rule: 'azure-devops-pat',
    positive: ['AZURE_DEVOPS_PAT: «{lower:52}»'.replace('{lower:52}', '{base32:52}').toLowerCase().replace('azure_devops_pat', 'AZURE_DEVOPS_PAT')],
    negative: ['AZURE_DEVOPS_PAT: ${{ secrets.AZURE_DEVOPS_PAT }}'],
  },
  {
    rule: 'digitalocean-personal-access-token',
    positive: ['export DIGITALOCEAN_TOKEN=«dop_v1_{hex:64}»'],
    negative: ['export DIGITALOCEAN_TOKEN=dop_v1_'],
  },
  {
    rule: 'digitalocean-oauth-token',
    positive: ['token: «doo_v1_{hex:64}»'],
    negative: ['token: doo_v1_<your-token>'],
  },
  {
    rule: 'digitalocean-refresh-token',
    positive: ['refresh_token: «dor_v1_{hex:64}»'],
    negative: ['refresh_token: ${DO_REFRESH_TOKEN}'],
  },
  {
    rule: 'alibaba-access-key-id',
    positive: ['ALIBABA_CLOUD_ACCESS_KEY_ID: «LTAI{alnum:20}»'],
    negative: ['# LTAI keys start with LTAI'],
  },
  {
    rule: 'heroku-api-key',
    positive: ['HEROKU_API_KEY: «HRKU-AA{b64url:58}»'],
    negative: ['HEROKU_API_KEY: HRKU-AA'],
  },
  {
    rule: 'heroku-api-key-legacy',
    positive: ['HEROKU_API_KEY: «{uuid}»'],
    negative: ['request_id: {uuid}'],
  },
  {
    rule: 'cloudflare-api-token',
    positive: ['CLOUDFLARE_API_TOKEN: «{b64url:40}»'],
    negative: ['CLOUDFLARE_API_TOKEN: your-cloudflare-api-token-goes-here0'],
  },
  {
    rule: 'cloudflare-origin-ca-key',
    positive: ['origin_ca_key = «v1.0-{hex:24}-{hex:146}»'],
    negative: ['version = v1.0-beta'],
  },
  {
    rule: 'hashicorp-vault-token',
    positive: ['VAULT_TOKEN: «hvs.{b64url:94}»'],
    negative: ['VAULT_TOKEN: hvs.example'],
  },
  {
    rule: 'terraform-cloud-token',
    positive: [{ text: 'credentials "app.terraform.io" {\n  token = "«{alnum:14}.atlasv1.{b64url:67}»"\n}', path: '.terraformrc' }],
    negative: ['# token format: <id>.atlasv1.<secret>'],
  },
  {
    rule: 'databricks-token',
    positive: ['DATABRICKS_TOKEN: «dapi{hex:32}»'],
    negative: ['DATABRICKS_TOKEN: dapi00000000000000000000000000000000'],
  },
  {
    rule: 'doppler-token',
    positive: ['DOPPLER_TOKEN: «dp.st.{alnum:43}»'],
    negative: ['DOPPLER_TOKEN: dp.st.dev'],
  },
  {
    rule: 'pulumi-access-token',
    positive: ['PULUMI_ACCESS_TOKEN: «pul-{hex:40}»'],
    negative: ['PULUMI_ACCESS_TOKEN: pul-xxxxxxxx'],
  },
  {
    rule: 'fly-io-token',
    positive: ['FLY_API_TOKEN: «fo1_{b64url:43}»'],
    negative: ['FLY_API_TOKEN: fo1_'],
  },
  {
    rule: 'supabase-access-token',
    positive: ['SUPABASE_ACCESS_TOKEN: «sbp_{hex:40}»'],
    negative: ['SUPABASE_ACCESS_TOKEN: sbp_0000000000000000000000000000000000000000'],
  },
  {
    rule: 'planetscale-token',
    positive: ['PLANETSCALE_SERVICE_TOKEN: «pscale_tkn_{b64url:43}»'],
    negative: ['PLANETSCALE_SERVICE_TOKEN: pscale_tkn_'],
  },
];

/** @module scanner/rules/generic.cases — examples for connection strings, assignments and HTTP auth headers. */
import type { RuleCases } from '../testing/rule-cases.ts';

export const genericCases: RuleCases[] = [
  {
    rule: 'database-connection-string',
    positive: [
      'DATABASE_URL: postgres://app:«{alnum:20}»@db.internal:5432/app',
      { text: 'MONGO_URI = "mongodb+srv://svc:«{alnum:16}»@cluster0.abcde.mongodb.net/prod"', path: 'settings.py' },
      { text: 'SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://report:«{alnum:12}!{digits:2}»@10.0.0.5/reports"', path: 'config.py' },
    ],
    negative: [
      'DATABASE_URL: postgres://postgres:postgres@localhost:5432/dev',
      'DATABASE_URL: postgres://user:password@localhost/db',
      'DATABASE_URL: postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}/app',
      'REDIS_URL: redis://:changeme@redis:6379/0',
    ],
  },
  {
    rule: 'url-credentials',
    positive: [{ text: 'pip install --index-url https://ci:«{alnum:24}»@pypi.acme.io/simple pkg', path: 'Makefile' }],
    negative: [{ text: 'See https://user:pass@example.com for the syntax.', path: 'README.md' }, { text: 'curl https://alice:secret@example.org/x', path: 'docs/api.md' }],
  },
  {
    rule: 'connection-string-password',
    positive: [{ text: '"Default": "Server=tcp:acme.database.windows.net,1433;Database=app;User ID=svc;Password=«{alnum:14}!9»;Encrypt=True"', path: 'appsettings.json' }],
    negative: [{ text: '"Default": "Server=(localdb)\\\\mssqllocaldb;Database=app;Trusted_Connection=True"', path: 'appsettings.json' }, { text: 'Server=db;Database=app;User Id=sa;Password=<YourStrong@Passw0rd>;', path: 'README.md' }],
  },
  {
    rule: 'generic-secret-assignment',
    positive: [
      { text: 'const config = { clientSecret: "«{alnum:32}»" };', path: 'src/auth.ts' },
      { text: 'DB_PASSWORD = "«Tr0ub4dor&{digits:3}»"', path: 'settings.py' },
      { text: '$api_key = \'«{hex:40}»\';', path: 'wp-config.php' },
      { text: 'password: "«{alnum:12}»"', path: 'docker-compose.yml' },
    ],
    negative: [
      { text: 'const password = "";', path: 'src/form.ts' },
      { text: 'password: "********"', path: 'config.yml' },
      { text: 'const token = getToken(); const secret = process.env.SECRET;', path: 'src/a.ts' },
      { text: 'passwordField: "input[name=password]"', path: 'src/page.ts' },
      { text: 'const API_KEY = "your-api-key-here";', path: 'src/example.ts' },
      { text: 'token_type: "Bearer"', path: 'src/oauth.ts' },
      { text: 'const PASSWORD_REGEX = "^(?=.*[A-Z])(?=.*[0-9]).{8,}$";', path: 'src/validate.ts' },
      { text: 'secretName: "db-credentials-v2"', path: 'k8s/deploy.yaml' },
      { text: 'password: "{{ vault_db_password }}"', path: 'ansible/vars.yml' },
      { text: 'label: "Password"', path: 'i18n/en.json' },
      { text: 'private_key_path = "/etc/ssl/private/server.key"', path: 'app.ini' },
    ],
  },
  {
    rule: 'generic-secret-config',
    positive: [
      { text: 'DB_PASSWORD=«{alnum:16}»', path: '.env' },
      { text: 'spring.datasource.password=«{alnum:10}{digits:4}»', path: 'src/main/resources/application.properties' },
      { text: 'export API_TOKEN=«{alnum:32}»', path: 'deploy/env.sh' },
    ],
    negative: [
      { text: 'DB_PASSWORD=${DB_PASSWORD}', path: '.env' },
      { text: 'password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256', path: 'group_vars/all.yml' },
      { text: 'secretKeyRef:\n  name: app-secrets', path: 'k8s/deploy.yaml' },
      { text: 'token: my_service_token', path: 'config.yml' },
      { text: 'DB_PASSWORD=CHANGE_ME_IN_PRODUCTION', path: '.env.example' },
    ],
  },
  {
    rule: 'http-basic-auth',
    positive: [{ text: 'curl -H "Authorization: Basic «{basic:deploy}»" https://api.acme.io/v1', path: 'scripts/call.sh' }],
    negative: [{ text: "headers: { Authorization: 'Basic ' + btoa(user + ':' + pass) }", path: 'src/http.ts' }],
  },
  {
    rule: 'http-bearer-token',
    positive: [{ text: 'curl -H "Authorization: Bearer «{b64url:40}»" https://api.acme.io/v1/me', path: 'scripts/me.sh' }],
    negative: [{ text: 'curl -H "Authorization: Bearer $TOKEN" https://api.acme.io', path: 'README.md' }, { text: 'Authorization: Bearer <YOUR_ACCESS_TOKEN_HERE>', path: 'docs/api.md' }],
  },
];

/** @module cli/main — the `palisade` command: dispatches to one module per command group. */

const HELP = `palisade — security control plane for external developers

Usage: palisade <command> [options]

  serve                 start the server (palisade serve --help)
  demo                  the whole product end to end on a fresh data folder (palisade demo --help)
  me | whoami           who the token in PALISADE_TOKEN belongs to
  people                members and external developers: list, get, create, update, offboard
  vendor                vendors (agencies): list, get, create, update, archive
  engagement            engagements: list, get, create, update, activate, suspend, end,
                        add-developer, remove-developer, set-duty, sign, upload, readiness
  resource              resources: list, get, create, update, retire
  token                 API tokens: create, list, revoke; generate (offline)
  audit                 the tamper-evident audit log: events, checkpoint, verifier-key, proof,
                        consistency, export, verify and verify-event (both offline)
  ingest                events from outside: sshd (auth.log), github, events, stats, github-secret
  vetting               vetting of developers: background, reference, quiz, red-flag, decide-flag, show
  training              training completions: record
  request               access requests: create, list, show, approve, deny, cancel
  grant                 grants: list, show, revoke
  approver              designated approvers of a resource: list, add, remove
  settings              settings: access (durations, pending lifetime, readiness)
  policy                Cedar policies: show, validate, apply, history, schema
  authorize             ask the authorizer: may a person act on a resource now, and why
  review                access reviews: create, list, show, decide, report
  scan                  find secrets and personal data in files, git history or stdin (offline)
  alert                 alerts: list, show, ack, assign, resolve; notification channels:
                        channels, channel-add, channel-show, channel-remove
  push-rules            git push rules: show, set (protected refs, contribution pattern); push-scan
                        allow list: allowed, allow, unallow
  repo                  git repositories behind the git gateway: show, host, upstream (sealed
                        credential), token (git-only, expires with the grant)

Client commands talk to a running server: set PALISADE_URL and PALISADE_TOKEN.
Each takes --json for scripts and --help for its options. Exit codes: 0 ok, 1 error from the
server, 2 usage error, 3 server unreachable.
`;

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin: NodeJS.ReadableStream };
type Command = (argv: string[], io: Io) => Promise<number>;

// Each group is imported only when used, so client commands do not load the server.
const COMMANDS: Record<string, Command> = {
  serve: async (argv, io) => (await import('./serve.ts')).runServe(argv, io),
  me: async (argv, io) => (await import('./people.ts')).runMeCommand(argv, io),
  whoami: async (argv, io) => (await import('./people.ts')).runMeCommand(argv, io),
  people: async (argv, io) => (await import('./people.ts')).runPeopleCommand(argv, io),
  vendor: async (argv, io) => (await import('./vendors.ts')).runVendorCommand(argv, io),
  vendors: async (argv, io) => (await import('./vendors.ts')).runVendorCommand(argv, io),
  engagement: async (argv, io) => (await import('./engagements.ts')).runEngagementCommand(argv, io),
  engagements: async (argv, io) => (await import('./engagements.ts')).runEngagementCommand(argv, io),
  resource: async (argv, io) => (await import('./resources.ts')).runResourceCommand(argv, io),
  resources: async (argv, io) => (await import('./resources.ts')).runResourceCommand(argv, io),
  token: async (argv, io) => (await import('./tokens.ts')).runTokenCommand(argv, io),
  tokens: async (argv, io) => (await import('./tokens.ts')).runTokenCommand(argv, io),
  audit: async (argv, io) => (await import('./audit.ts')).runAuditCommand(argv, io),
  ingest: async (argv, io) => (await import('./ingest.ts')).runIngestCommand(argv, io),
  vetting: async (argv, io) => (await import('./vetting.ts')).runVettingCommand(argv, io),
  training: async (argv, io) => (await import('./vetting.ts')).runTrainingCommand(argv, io),
  request: async (argv, io) => (await import('./access.ts')).runRequestCommand(argv, io),
  requests: async (argv, io) => (await import('./access.ts')).runRequestCommand(argv, io),
  grant: async (argv, io) => (await import('./access.ts')).runGrantCommand(argv, io),
  grants: async (argv, io) => (await import('./access.ts')).runGrantCommand(argv, io),
  approver: async (argv, io) => (await import('./access.ts')).runApproverCommand(argv, io),
  approvers: async (argv, io) => (await import('./access.ts')).runApproverCommand(argv, io),
  settings: async (argv, io) => (await import('./access.ts')).runSettingsCommand(argv, io),
  scan: async (argv, io) => (await import('./scan.ts')).runScanCommand(argv, io),
  demo: async (argv, io) => (await import('./demo.ts')).runDemoCommand(argv, io),
  alert: async (argv, io) => (await import('./alerts.ts')).runAlertCommand(argv, io),
  alerts: async (argv, io) => (await import('./alerts.ts')).runAlertCommand(argv, io),
  'push-rules': async (argv, io) => (await import('./push-rules.ts')).runPushRulesCommand(argv, io),
  repo: async (argv, io) => (await import('./repos.ts')).runRepoCommand(argv, io),
  repos: async (argv, io) => (await import('./repos.ts')).runRepoCommand(argv, io),
  policy: async (argv, io) => (await import('./policy.ts')).runPolicyCommand(argv, io),
  policies: async (argv, io) => (await import('./policy.ts')).runPolicyCommand(argv, io),
  authorize: async (argv, io) => (await import('./policy.ts')).runAuthorizeCommand(argv, io),
  review: async (argv, io) => (await import('./reviews.ts')).runReviewCommand(argv, io),
  reviews: async (argv, io) => (await import('./reviews.ts')).runReviewCommand(argv, io),
};

/** Run the CLI and return its exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(HELP);
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`unknown command: ${name}\n\n${HELP}`);
    return 2;
  }
  return command(rest, io);
}

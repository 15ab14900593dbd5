/**
 * @module composition — the composition root: one line per module, each service receiving its
 * dependencies as an object. Transports (HTTP, CLI) receive `Services` and nothing else.
 */
import { join } from 'node:path';
import type { Clock } from './core/clock.ts';
import type { Database } from './db/database.ts';
import { createAccessHooks } from './modules/access/access-hooks.ts';
import { createEndAccess } from './modules/access/access-revocation.ts';
import { createApproverService, type ApproverService } from './modules/access/approver-service.ts';
import { createGrantService, type GrantService } from './modules/access/grant-service.ts';
import type { RequestPolicy } from './modules/access/request-policy.ts';
import { createAccessRequestService, type AccessRequestService } from './modules/access/request-service.ts';
import { createSettingsService, type SettingsService } from './modules/access/settings-service.ts';
import { createAuditExporter, type AuditExporter } from './modules/audit-export/exporter.ts';
import { createAuditExportService, type AuditExportService } from './modules/audit-export/export-service.ts';
import { createSecretSealer } from './modules/audit-export/sealed-secrets.ts';
import { createAuditSinkService, type AuditSinkService } from './modules/audit-export/sink-service.ts';
import { createAuditLogService, type AuditLogService } from './modules/audit/audit-log-service.ts';
import { createAuditService, type AuditService } from './modules/audit/audit-service.ts';
import { createLogKeys, throwAwayLogKey } from './modules/audit/log-keys.ts';
import { createSequencer, type Sequencer } from './modules/audit/sequencer.ts';
import { createTreeCache } from './modules/audit/tree-cache.ts';
import { createTokenService, type TokenService } from './modules/auth/token-service.ts';
import { createEngagementService, type EngagementService } from './modules/engagements/engagement-service.ts';
import { createIngestService, type IngestService } from './modules/ingest/ingest-service.ts';
import { createPeopleService, type PeopleService } from './modules/people/people-service.ts';
import { createResourceService, type ResourceService } from './modules/resources/resource-service.ts';
import { createVendorService, type VendorService } from './modules/vendors/vendor-service.ts';
import { createReadinessService, type ReadinessService } from './modules/vetting/readiness-service.ts';
import { createVettingService, type VettingService } from './modules/vetting/vetting-service.ts';
import { createAuthorizerService, type AuthorizerService } from './modules/authorizer/authorizer-service.ts';
import { createEpochWatcher } from './modules/authorizer/authz-epoch.ts';
import { createCedarRequestPolicy } from './modules/policy/cedar-request-policy.ts';
import { createPolicyService, type PolicyService } from './modules/policy/policy-service.ts';
import { createReviewService, type ReviewService } from './modules/reviews/review-service.ts';
import { createScanner, type Scanner } from './modules/scanner/scanner.ts';
import { createScannerService, type ScannerService } from './modules/scanner/scanner-service.ts';
import { REPOS_FOLDER } from './modules/scanner/git/hosted.ts';
import { createGitGatewayServices, type GitGatewayServices } from './modules/git-gateway/index.ts';
import { createAlertDispatcher, type AlertDispatcher } from './modules/detection/alert-dispatcher.ts';
import { createAlertService, type AlertService } from './modules/detection/alert-service.ts';
import { builtinRules } from './modules/detection/builtin-rules.ts';
import { createChannelSealer } from './modules/detection/channel-secrets.ts';
import { createChannelService, type ChannelService } from './modules/detection/channel-service.ts';
import { createDetectionEngine, type DetectionEngine } from './modules/detection/detection-engine.ts';
import { createPushRulesService, type PushRulesService } from './modules/git-gateway/push/push-rules-service.ts';

export interface Services {
  db: Database;
  clock: Clock;
  audit: AuditService;
  auditLog: AuditLogService;
  /** Background work, started by server.ts (startAuditSequencer); tests call runOnce(). */
  auditSequencer: Sequencer;
  /** Events from outside: sshd logs, GitHub audit log, generic JSON. */
  ingest: IngestService;
  /** Event export (JSONL, OCSF) and the sinks the background exporter delivers to. */
  auditExport: AuditExportService;
  auditSinks: AuditSinkService;
  /** Background work, started by server.ts (startAuditExporter); tests call runOnce(). */
  auditExporter: AuditExporter;
  tokens: TokenService;
  people: PeopleService;
  vendors: VendorService;
  engagements: EngagementService;
  resources: ResourceService;
  vetting: VettingService;
  readiness: ReadinessService;
  settings: SettingsService;
  requestPolicy: RequestPolicy;
  accessRequests: AccessRequestService;
  grants: GrantService;
  approvers: ApproverService;
  /** The Cedar policy set in force (versions, validation, replacement). */
  policies: PolicyService;
  /** The one decision point: gateways call `authorizer.authorize(systemActor, …)` in process. */
  authorizer: AuthorizerService;
  /** Access-review campaigns; deadlines are processed by startReviewSweeper (server.ts). */
  reviews: ReviewService;
  /** The secret scanner (default credential rules), compiled once: the git gateway's push check. */
  scanner: Scanner;
  /** Scans requested through the API: uploaded files, commit ranges of hosted repositories. */
  scans: ScannerService;
  /** Git push rules (protected refs, contribution pattern) and the push-scan allow list; the push inspector reads them. */
  pushRules: PushRulesService;
  /** Background work, started by server.ts (startDetection): evaluates integrated events; tests call runOnce(). */
  detection: DetectionEngine;
  /** Background work, started by server.ts with detection: sends the alert delivery outbox. */
  alertDispatcher: AlertDispatcher;
  alerts: AlertService;
  alertChannels: ChannelService;
  /** How each git_repository is served (hosted or upstream proxy, sealed credential). */
  gitRepositories: GitGatewayServices['gitRepositories'];
  /** The git smart-HTTP gateway at /git/<name>.git (http/app.ts mounts it). */
  gitGateway: GitGatewayServices['gitGateway'];
}

/** The audit log's signing key: the master key that seals it, and the origin of a log created now. */
export interface AuditLogKeyConfig {
  masterKey: Uint8Array;
  origin: string;
}

/** `dataDir`: the data folder; hosted repositories live in `<dataDir>/repos/` (without one, there are none). */
export function createServices(deps: { db: Database; clock: Clock; dataDir?: string; auditLogKey?: AuditLogKeyConfig }): Services {
  const { db, clock } = deps;
  const audit = createAuditService({ db, clock });
  // The log's tree hashes in memory (bounded), filled by the sequencer: proofs then need no query for them.
  const auditTree = createTreeCache();
  const auditLog = createAuditLogService({ db, tree: auditTree });
  // Without a configured master key (tests), the log key is sealed under a throw-away one.
  const auditSequencer = createSequencer({ db, clock, tree: auditTree, keys: createLogKeys({ db, clock, ...(deps.auditLogKey ?? throwAwayLogKey()) }) });
  // One watcher of the authz epoch: tokens and the authorizer both remember only what it vouches for.
  const authzEpoch = createEpochWatcher(db);
  const tokens = createTokenService({ db, clock, audit, epoch: authzEpoch });
  // Secrets Palisade must use again (GitHub webhook secret, sink headers) are sealed under the master key.
  const secrets = createSecretSealer(deps.auditLogKey?.masterKey ?? throwAwayLogKey().masterKey);
  const ingest = createIngestService({ db, clock, audit, secrets });
  const auditExport = createAuditExportService({ db });
  const auditSinks = createAuditSinkService({ db, clock, audit, secrets });
  const auditExporter = createAuditExporter({ db, clock, secrets });
  // Suspending, ending, taking a developer off, offboarding: every grant goes in the same transaction.
  const accessHooks = createAccessHooks(createEndAccess({ clock, audit }));
  const people = createPeopleService({ db, clock, audit, onStatusChange: [accessHooks.onPersonStatusChange] });
  const vendors = createVendorService({ db, clock, audit });
  const engagements = createEngagementService({
    db, clock, audit, onStatusChange: [accessHooks.onEngagementStatusChange], onDeveloperRemoved: [accessHooks.onDeveloperRemoved],
  });
  const resources = createResourceService({ db, clock, audit, onRetired: [accessHooks.onResourceRetired] });
  const vetting = createVettingService({ db, clock, audit });
  const readiness = createReadinessService({ db, clock });
  const settings = createSettingsService({ db, clock, audit });
  const policies = createPolicyService({ db, clock, audit });
  // Requests are decided by the Cedar policies in force (RequestAccess, AutoApprove, @approvals).
  const requestPolicy: RequestPolicy = createCedarRequestPolicy({ policies });
  const accessRequests = createAccessRequestService({ db, clock, audit, policy: requestPolicy });
  const grants = createGrantService({ db, clock, audit });
  const approvers = createApproverService({ db, clock, audit });
  const authorizer = createAuthorizerService({ db, clock, audit, policies, epoch: authzEpoch, denyJournalDir: deps.dataDir === undefined ? null : join(deps.dataDir, 'authz-denials') });
  const reviews = createReviewService({ db, clock, audit });
  const scanner = createScanner();
  const pushRules = createPushRulesService({ db, clock, audit });
  const scans = createScannerService({ db, audit, engines: { credentials: scanner, personalData: createScanner({ personalData: true }) }, reposDir: deps.dataDir === undefined ? null : join(deps.dataDir, REPOS_FOLDER) });
  // Detection reads the integrated log; channel secrets are sealed under the master key.
  const alertSealer = createChannelSealer(deps.auditLogKey?.masterKey ?? throwAwayLogKey().masterKey);
  const detection = createDetectionEngine({ db, clock, audit, rules: builtinRules() });
  const alertDispatcher = createAlertDispatcher({ db, clock, sealer: alertSealer });
  const alerts = createAlertService({ db, clock, audit });
  const alertChannels = createChannelService({ db, clock, audit, sealer: alertSealer });
  const git = createGitGatewayServices({
    db, clock, audit, tokens, authorizer, resources, scanner, dataDir: deps.dataDir, masterKey: deps.auditLogKey?.masterKey ?? throwAwayLogKey().masterKey,
  });
  return {
    ...git,
    db, clock, audit, auditLog, auditSequencer, ingest, auditExport, auditSinks, auditExporter, tokens, people, vendors, engagements, resources,
    vetting, readiness, settings, requestPolicy, accessRequests, grants, approvers, policies, authorizer, reviews, scanner, scans, pushRules,
    detection, alertDispatcher, alerts, alertChannels,
  };
}

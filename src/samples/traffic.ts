import { ACTORS, type Actor } from './identities.js';
import type { Rng } from './prng.js';
import { apiCall, consoleLogin, type TimedRecord } from './records.js';
import { TEMPLATES, type ApiName } from './templates.js';
import { DAY, HOUR, MINUTE, SAMPLE_END, SAMPLE_START } from './time.js';

/** A run of calls by one identity; the pipeline materializes sessions in start order. */
export interface Session {
  start: number;
  materialize(rng: Rng): TimedRecord[];
}

/** Every event of a session falls within this long after its start; the pipeline relies on it to flush windows. */
export const MAX_SESSION_SPAN = 30 * MINUTE;

interface Persona {
  actor: Actor;
  weight: number;
  regions: readonly string[];
  apis: readonly (readonly [ApiName, number])[];
  size: readonly [number, number];
  spanMinutes: readonly [number, number];
  signIn?: { mfa: boolean; failChance: number };
  denyChance?: number;
  workHours: boolean;
}

const ALL_REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'] as const;

/** Who does what in ordinary hours. RunInstances appears rarely so the call-rate Insight has a low, non-zero baseline. */
const PERSONAS: readonly Persona[] = [
  {
    actor: ACTORS.alice, weight: 3, regions: ['eu-west-1', 'us-east-1'], size: [16, 60], spanMinutes: [2, 10], workHours: true,
    signIn: { mfa: true, failChance: 0.05 },
    apis: [['DescribeInstances', 6], ['DescribeSecurityGroups', 2], ['GetBucketAcl', 1], ['ListFunctions', 2], ['GetFunction', 2], ['StopInstances', 1], ['StartInstances', 1], ['RunInstances', 0.3]],
  },
  {
    actor: ACTORS.aliceCli, weight: 2, regions: ['eu-west-1', 'us-east-1'], size: [10, 40], spanMinutes: [1, 5], workHours: true,
    apis: [['GetCallerIdentity', 1], ['DescribeInstances', 4], ['ListBuckets', 1], ['GetObject', 3], ['PutObject', 1], ['ListObjects', 1]],
  },
  {
    actor: ACTORS.bob, weight: 2, regions: ['us-east-1'], size: [12, 40], spanMinutes: [2, 8], workHours: true,
    signIn: { mfa: false, failChance: 0.3 }, denyChance: 0.08,
    apis: [['ListBuckets', 2], ['GetBucketAcl', 2], ['DescribeInstances', 3], ['ListUsers', 1], ['GetUser', 1]],
  },
  {
    actor: ACTORS.prodCi, weight: 3, regions: ALL_REGIONS, size: [30, 100], spanMinutes: [1, 6], workHours: false,
    apis: [['UpdateFunctionCode', 3], ['GetFunction', 3], ['PutObject', 2], ['DescribeInstances', 2], ['DescribeSecurityGroups', 2], ['CreateSecurityGroup', 0.3], ['AuthorizeSecurityGroupIngress', 0.4], ['TerminateInstances', 0.3], ['RunInstances', 0.2], ['AssumeRole', 0.5]],
  },
  {
    actor: ACTORS.ordersApi, weight: 4, regions: ['us-west-2', 'eu-west-1'], size: [30, 120], spanMinutes: [1, 5], workHours: false,
    apis: [['GetObject', 5], ['PutObject', 3], ['Decrypt', 2], ['ListObjects', 1]],
  },
  {
    actor: ACTORS.webServer, weight: 2, regions: ['us-west-2'], size: [10, 40], spanMinutes: [1, 4], workHours: false,
    apis: [['GetObject', 4], ['ListObjects', 1], ['Decrypt', 1]],
  },
  {
    actor: ACTORS.ssoAdmin, weight: 1.5, regions: ['us-east-1', 'eu-west-1'], size: [10, 50], spanMinutes: [2, 10], workHours: true,
    apis: [['ListRoles', 3], ['GetRole', 3], ['AttachRolePolicy', 1], ['CreateRole', 0.5], ['CreateUser', 0.3], ['CreateAccessKey', 0.3], ['DescribeInstances', 2]],
  },
  {
    actor: ACTORS.prodRoot, weight: 0.3, regions: ['us-east-1'], size: [6, 16], spanMinutes: [1, 5], workHours: true,
    signIn: { mfa: true, failChance: 0 }, apis: [['ListUsers', 2], ['GetUser', 1], ['ListBuckets', 1]],
  },
  {
    actor: ACTORS.partner, weight: 1, regions: ['eu-west-1'], size: [8, 30], spanMinutes: [1, 5], workHours: true,
    apis: [['GetObject', 4], ['ListObjects', 2], ['ListBuckets', 1]],
  },
  {
    actor: ACTORS.idcUser, weight: 0.4, regions: ['us-east-1'], size: [4, 10], spanMinutes: [1, 2], workHours: true,
    apis: [['ListAccounts', 1], ['ListAccountRoles', 1]],
  },
  {
    actor: ACTORS.lambdaService, weight: 0.8, regions: ['us-east-1'], size: [2, 8], spanMinutes: [1, 3], workHours: false,
    apis: [['AssumeRole', 1]],
  },
  {
    actor: ACTORS.autoscaling, weight: 0.3, regions: ['us-east-1'], size: [2, 6], spanMinutes: [1, 2], workHours: false,
    apis: [['AssumeRole', 1]],
  },
  {
    actor: ACTORS.carol, weight: 2, regions: ['us-west-2', 'eu-west-1'], size: [16, 50], spanMinutes: [2, 10], workHours: true,
    signIn: { mfa: true, failChance: 0.1 },
    apis: [['DescribeInstances', 4], ['RunInstances', 0.5], ['TerminateInstances', 0.5], ['ListFunctions', 2], ['UpdateFunctionCode', 1], ['DescribeSecurityGroups', 2]],
  },
  {
    actor: ACTORS.carolCli, weight: 1.5, regions: ['us-west-2'], size: [10, 30], spanMinutes: [1, 4], workHours: true,
    apis: [['GetCallerIdentity', 1], ['DescribeInstances', 3], ['GetObject', 2], ['PutObject', 2]],
  },
  {
    actor: ACTORS.buildBot, weight: 2.5, regions: ['us-west-2', 'eu-west-1'], size: [20, 80], spanMinutes: [1, 5], workHours: false,
    denyChance: 0.03,
    apis: [['GetCallerIdentity', 1], ['PutObject', 4], ['GetObject', 2], ['UpdateFunctionCode', 1], ['DescribeInstances', 1]],
  },
  {
    actor: ACTORS.devCi, weight: 1.5, regions: ['us-west-2', 'eu-west-1'], size: [30, 80], spanMinutes: [1, 6], workHours: false,
    apis: [['DescribeSecurityGroups', 3], ['CreateSecurityGroup', 0.5], ['AuthorizeSecurityGroupIngress', 0.4], ['DescribeInstances', 2], ['RunInstances', 0.3], ['GetFunction', 1]],
  },
  {
    actor: ACTORS.devRoot, weight: 0.2, regions: ['us-east-1'], size: [4, 12], spanMinutes: [1, 3], workHours: true,
    signIn: { mfa: true, failChance: 0 }, apis: [['ListUsers', 1], ['GetUser', 1]],
  },
  {
    actor: ACTORS.devConfig, weight: 0.4, regions: ['us-east-1'], size: [2, 6], spanMinutes: [1, 2], workHours: false,
    apis: [['AssumeRole', 1]],
  },
];

const PERSONA_WEIGHTS = PERSONAS.map((p) => [p, p.weight] as const);
const HOUR_WEIGHTS_WORK = Array.from({ length: 24 }, (_, h) => [h, h >= 8 && h <= 18 ? 6 : 0.4] as const);

/** Plans ordinary sessions until they hold `count` events. Plans are small; events come later, window by window. */
export function planTraffic(rng: Rng, count: number): Session[] {
  const sessions: Session[] = [];
  let planned = 0;
  while (planned < count) {
    const persona = rng.weighted(PERSONA_WEIGHTS);
    const size = Math.min(rng.int(persona.size[0], persona.size[1]), count - planned);
    const span = rng.int(persona.spanMinutes[0], persona.spanMinutes[1]) * MINUTE;
    const hour = persona.workHours ? rng.weighted(HOUR_WEIGHTS_WORK) : rng.int(0, 23);
    let start = SAMPLE_START + rng.int(0, 1) * DAY + hour * HOUR + rng.int(0, 3599) * 1000;
    start = Math.min(start, SAMPLE_END - span - 1000);
    sessions.push(personaSession(persona, start, span, size));
    planned += size;
  }
  return sessions;
}

function personaSession(persona: Persona, start: number, span: number, size: number): Session {
  return {
    start,
    materialize(rng) {
      const identity = persona.actor.startSession(rng, start);
      const world = persona.actor.account;
      const region = rng.pick(persona.regions);
      const times: number[] = [];
      for (let i = 0; i < size; i++) times.push(start + Math.floor(rng.next() * (span / 1000)) * 1000);
      times.sort((a, b) => a - b);
      times[0] = start;
      const out: TimedRecord[] = [];
      let i = 0;
      if (persona.signIn) {
        if (size > 1 && rng.chance(persona.signIn.failChance)) {
          out.push(consoleLogin(world, identity, times[i++]!, rng, { success: false, mfaUsed: false }));
        }
        out.push(consoleLogin(world, identity, times[i++]!, rng, { success: true, mfaUsed: persona.signIn.mfa }));
      }
      for (; i < size; i++) {
        const template = TEMPLATES[rng.weighted(persona.apis)];
        const deny = persona.denyChance !== undefined && rng.chance(persona.denyChance);
        out.push(apiCall(template, world, region, identity, times[i]!, rng, deny ? { error: 'deny' } : {}));
      }
      return out;
    },
  };
}

import { Rng } from './prng.js';

/** The two accounts and three regions of the samples, with the resources their events touch. */
export const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'] as const;
/** IAM, STS, sign-in (and S3 ListBuckets) events land here whatever region the caller used. */
export const GLOBAL_REGION = 'us-east-1';

export interface RegionalResources {
  instances: string[];
  securityGroups: string[];
  vpc: string;
  subnets: string[];
  amis: string[];
}

export interface AccountWorld {
  id: string;
  alias: string;
  buckets: string[];
  functions: string[];
  users: string[];
  roles: string[];
  kmsKeys: string[];
  regional: Record<string, RegionalResources>;
}

// Resource ids come from their own fixed-seed generator so they never change with --seed or --events.
const ids = new Rng('trailtop-world');

function regional(): RegionalResources {
  return {
    instances: Array.from({ length: 6 }, () => `i-0${ids.hex(16)}`),
    securityGroups: Array.from({ length: 3 }, () => `sg-0${ids.hex(16)}`),
    vpc: `vpc-0${ids.hex(16)}`,
    subnets: Array.from({ length: 2 }, () => `subnet-0${ids.hex(16)}`),
    amis: Array.from({ length: 2 }, () => `ami-0${ids.hex(16)}`),
  };
}

function account(id: string, alias: string, buckets: string[], functions: string[], users: string[], roles: string[]): AccountWorld {
  const regionalMap: Record<string, RegionalResources> = {};
  for (const r of REGIONS) regionalMap[r] = regional();
  return {
    id, alias, buckets, functions, users, roles,
    kmsKeys: Array.from({ length: 2 }, () => ids.uuid()),
    regional: regionalMap,
  };
}

export const PROD = account(
  '111122223333', 'acme-prod',
  ['acme-prod-assets', 'acme-prod-reports', 'acme-prod-backups'],
  ['orders-api', 'thumbnailer', 'nightly-report'],
  ['alice', 'bob', 'partner-broker'],
  ['ci-deployer', 'orders-api-role', 'web-server-role'],
);

export const DEV = account(
  '444455556666', 'acme-dev',
  ['acme-dev-scratch', 'acme-dev-artifacts'],
  ['orders-api-dev', 'etl-sandbox'],
  ['carol', 'build-bot', 'svc-reporting'],
  ['ci-deployer', 'sandbox-admin'],
);

export const ACCOUNTS: readonly AccountWorld[] = [PROD, DEV];

export function regionOf(world: AccountWorld, region: string): RegionalResources {
  const r = world.regional[region];
  if (!r) throw new Error(`no resources for region ${region}`);
  return r;
}

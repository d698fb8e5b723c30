import type { Rng } from './prng.js';
import { isoSeconds } from './time.js';
import { DEV, PROD, type AccountWorld } from './world.js';

/** One caller's identity for the length of a session: every event of the session shares it. */
export interface SessionIdentity {
  /** The userIdentity block; absent for callers AWS records without one. */
  userIdentity: Record<string, unknown>;
  /** userIdentity.arn, or the ARN Insights attributions name (assumed-role/RoleName without the session). */
  attributionArn: string;
  userAgent: string;
  sourceIp: string;
  /** Whether records carry tlsDetails (absent when a service calls on your behalf). */
  tls: boolean;
  /** sessionCredentialFromConsole: "true" on console sessions. */
  fromConsole: boolean;
}

export interface Actor {
  key: string;
  account: AccountWorld;
  startSession(rng: Rng, startMs: number): SessionIdentity;
}

export const AGENTS = {
  cli: 'aws-cli/2.15.10 Python/3.11.6 Linux/6.5.0-1014-aws exe/x86_64.ubuntu.22 prompt/off',
  cliMac: 'aws-cli/2.13.25 Python/3.11.5 Darwin/23.1.0 exe/x86_64 prompt/off',
  boto3: 'Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/linux#6.1.61-85.141.amzn2023.x86_64 md/arch#x86_64 lang/python#3.12.1 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.11',
  terraform: 'APN/1.0 HashiCorp/1.0 Terraform/1.6.5 (+https://www.terraform.io) terraform-provider-aws/5.31.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux md/GOARCH#amd64',
  lambdaSdk: 'aws-sdk-nodejs/3.478.0 linux/v20.10.0 exec-env/AWS_Lambda_nodejs20.x lang/js md/nodejs#20.10.0',
  browser: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  browserWin: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  console: 'AWS Internal',
  python: 'python-requests/2.31.0 Boto3/1.26.0 Python/3.8.10 Linux/5.4.0-150-generic Botocore/1.29.0',
} as const;

// Principal ids are fixed so the same user keeps the same AIDA/AROA id across seeds.
const principalIds = new Map<string, string>();
function principalId(prefix: string, key: string): string {
  let id = principalIds.get(key);
  if (!id) {
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) >>> 0;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    id = prefix;
    for (let i = 0; i < 17; i++) { h = (Math.imul(h, 1103515245) + 12345) >>> 0; id += alphabet[(h >>> 16) % 32]; }
    principalIds.set(key, id);
  }
  return id;
}

export function tempKey(rng: Rng): string {
  return `ASIA${rng.upper(16)}`;
}

function longKey(key: string): string {
  return principalId('AKIA', `key:${key}`).slice(0, 20);
}

interface UserOptions {
  /** Console sessions use MFA. */
  mfa: boolean;
  console: boolean;
  agents: readonly string[];
  ips: readonly string[];
}

export function iamUser(account: AccountWorld, name: string, options: UserOptions): Actor {
  const arn = `arn:aws:iam::${account.id}:user/${name}`;
  return {
    key: `${account.alias}/${name}`,
    account,
    startSession(rng, startMs) {
      const identity: Record<string, unknown> = {
        type: 'IAMUser',
        principalId: principalId('AIDA', arn),
        arn,
        accountId: account.id,
        accessKeyId: options.console ? tempKey(rng) : longKey(arn),
        userName: name,
      };
      if (options.console) {
        identity.sessionContext = {
          sessionIssuer: {}, webIdFederationData: {},
          attributes: { creationDate: isoSeconds(startMs), mfaAuthenticated: options.mfa ? 'true' : 'false' },
        };
      }
      return {
        userIdentity: identity,
        attributionArn: arn,
        userAgent: options.console ? AGENTS.console : rng.pick(options.agents),
        sourceIp: rng.pick(options.ips),
        tls: true,
        fromConsole: options.console,
      };
    },
  };
}

interface RoleOptions {
  sessionName(rng: Rng): string;
  agents: readonly string[];
  ips: readonly string[];
  /** Set for instance-profile roles: IMDS version of the credentials. */
  ec2RoleDelivery?: string;
  sourceIdentity?: string;
  tls?: boolean;
}

export function assumedRole(account: AccountWorld, roleName: string, options: RoleOptions): Actor {
  const roleArn = `arn:aws:iam::${account.id}:role/${roleName}`;
  const roleId = principalId('AROA', roleArn);
  return {
    key: `${account.alias}/${roleName}`,
    account,
    startSession(rng, startMs) {
      const session = options.sessionName(rng);
      const sessionContext: Record<string, unknown> = {
        sessionIssuer: { type: 'Role', principalId: roleId, arn: roleArn, accountId: account.id, userName: roleName },
        webIdFederationData: {},
        attributes: { creationDate: isoSeconds(startMs - rng.int(1, 40) * 60_000), mfaAuthenticated: 'false' },
      };
      if (options.sourceIdentity) sessionContext.sourceIdentity = options.sourceIdentity;
      if (options.ec2RoleDelivery) sessionContext.ec2RoleDelivery = options.ec2RoleDelivery;
      return {
        userIdentity: {
          type: 'AssumedRole',
          principalId: `${roleId}:${session}`,
          arn: `arn:aws:sts::${account.id}:assumed-role/${roleName}/${session}`,
          accountId: account.id,
          accessKeyId: tempKey(rng),
          sessionContext,
        },
        attributionArn: `arn:aws:sts::${account.id}:assumed-role/${roleName}`,
        userAgent: rng.pick(options.agents),
        sourceIp: rng.pick(options.ips),
        tls: options.tls ?? true,
        fromConsole: false,
      };
    },
  };
}

export function root(account: AccountWorld, ips: readonly string[]): Actor {
  const arn = `arn:aws:iam::${account.id}:root`;
  return {
    key: `${account.alias}/root`,
    account,
    startSession(rng, startMs) {
      return {
        userIdentity: {
          type: 'Root', principalId: account.id, arn, accountId: account.id, accessKeyId: tempKey(rng),
          userName: account.alias,
          sessionContext: { sessionIssuer: {}, webIdFederationData: {}, attributes: { creationDate: isoSeconds(startMs), mfaAuthenticated: 'true' } },
        },
        attributionArn: arn,
        userAgent: AGENTS.console,
        sourceIp: rng.pick(ips),
        tls: true,
        fromConsole: true,
      };
    },
  };
}

/** A service acting for the account: no arn, sourceIPAddress and userAgent are the service's name. */
export function awsService(account: AccountWorld, service: string): Actor {
  return {
    key: `${account.alias}/${service}`,
    account,
    startSession() {
      return {
        userIdentity: { type: 'AWSService', invokedBy: service },
        attributionArn: service,
        userAgent: service,
        sourceIp: service,
        tls: false,
        fromConsole: false,
      };
    },
  };
}

export function federatedUser(account: AccountWorld, name: string, brokerUser: string, ips: readonly string[]): Actor {
  const brokerArn = `arn:aws:iam::${account.id}:user/${brokerUser}`;
  const arn = `arn:aws:sts::${account.id}:federated-user/${name}`;
  return {
    key: `${account.alias}/federated/${name}`,
    account,
    startSession(rng, startMs) {
      return {
        userIdentity: {
          type: 'FederatedUser', principalId: `${account.id}:${name}`, arn, accountId: account.id, accessKeyId: tempKey(rng),
          sessionContext: {
            sessionIssuer: { type: 'IAMUser', principalId: principalId('AIDA', brokerArn), arn: brokerArn, accountId: account.id, userName: brokerUser },
            webIdFederationData: {},
            attributes: { creationDate: isoSeconds(startMs - 5 * 60_000), mfaAuthenticated: 'false' },
          },
        },
        attributionArn: arn,
        userAgent: AGENTS.boto3,
        sourceIp: rng.pick(ips),
        tls: true,
        fromConsole: false,
      };
    },
  };
}

export function identityCenterUser(account: AccountWorld, userId: string, ips: readonly string[]): Actor {
  return {
    key: `${account.alias}/idc/${userId}`,
    account,
    startSession(rng) {
      return {
        userIdentity: {
          type: 'IdentityCenterUser', accountId: account.id,
          onBehalfOf: { userId, identityStoreArn: `arn:aws:identitystore::${account.id}:identitystore/d-9067642ac7` },
          credentialId: rng.alnum(40),
        },
        attributionArn: `idc:${userId}`,
        userAgent: AGENTS.browserWin,
        sourceIp: rng.pick(ips),
        tls: true,
        fromConsole: false,
      };
    },
  };
}

const officeIps = ['192.0.2.10', '192.0.2.24', '192.0.2.77'];
const ciIps = ['198.51.100.21', '198.51.100.22', '198.51.100.87'];
const awsIps = ['198.51.100.140', '198.51.100.141'];

/** Everyone who calls AWS in the samples, by a short name the scenarios use. */
export const ACTORS = {
  alice: iamUser(PROD, 'alice', { mfa: true, console: true, agents: [AGENTS.cli], ips: officeIps }),
  aliceCli: iamUser(PROD, 'alice', { mfa: true, console: false, agents: [AGENTS.cli, AGENTS.cliMac], ips: officeIps }),
  bob: iamUser(PROD, 'bob', { mfa: false, console: true, agents: [AGENTS.cli], ips: ['192.0.2.131', '192.0.2.132'] }),
  prodCi: assumedRole(PROD, 'ci-deployer', {
    sessionName: (rng) => `gha-${rng.digits(10)}`, agents: [AGENTS.terraform, AGENTS.cli], ips: ciIps, sourceIdentity: 'github-actions',
  }),
  ordersApi: assumedRole(PROD, 'orders-api-role', { sessionName: () => 'orders-api', agents: [AGENTS.lambdaSdk], ips: awsIps }),
  webServer: assumedRole(PROD, 'web-server-role', {
    sessionName: (rng) => `i-0${rng.hex(16)}`, agents: [AGENTS.boto3], ips: ['10.0.12.34', '10.0.40.7'], ec2RoleDelivery: '2.0',
  }),
  ssoAdmin: assumedRole(PROD, 'AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6789', {
    sessionName: (rng) => rng.pick(['dana@acme.example', 'erik@acme.example']), agents: [AGENTS.console, AGENTS.cliMac], ips: officeIps,
  }),
  prodRoot: root(PROD, ['192.0.2.200']),
  partner: federatedUser(PROD, 'partner-portal', 'partner-broker', ['203.0.113.40']),
  idcUser: identityCenterUser(PROD, '906757c2-d0a1-70c4-2b9e-5c1f7c0f1d3e', officeIps),
  lambdaService: awsService(PROD, 'lambda.amazonaws.com'),
  autoscaling: awsService(PROD, 'autoscaling.amazonaws.com'),
  carol: iamUser(DEV, 'carol', { mfa: true, console: true, agents: [AGENTS.cli], ips: officeIps }),
  carolCli: iamUser(DEV, 'carol', { mfa: true, console: false, agents: [AGENTS.cli, AGENTS.cliMac], ips: officeIps }),
  buildBot: iamUser(DEV, 'build-bot', { mfa: false, console: false, agents: [AGENTS.boto3, AGENTS.terraform], ips: ciIps }),
  leakedKey: iamUser(DEV, 'svc-reporting', { mfa: false, console: false, agents: [AGENTS.python], ips: ['203.0.113.66'] }),
  devCi: assumedRole(DEV, 'ci-deployer', {
    sessionName: (rng) => `gha-${rng.digits(10)}`, agents: [AGENTS.terraform], ips: ciIps, sourceIdentity: 'github-actions',
  }),
  devRoot: root(DEV, ['192.0.2.201']),
  devConfig: awsService(DEV, 'config.amazonaws.com'),
} satisfies Record<string, Actor>;

/**
 * Who did it: the actor label of cloudtrail.md 1.2 and the names a `user:`
 * term matches. Every input is an untrusted, possibly malformed userIdentity.
 */

type Loose = Record<string, unknown>;

/** A string field; numbers and booleans as text; '' for anything else. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

/** An object field, or null when the value is not a plain object. */
export function objectOf(value: unknown): Loose | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : null;
}

/** The part after the last '/' (`...:assumed-role/Role/Session` -> `Session`); '' when there is no '/'. */
export function lastArnSegment(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash < 0 ? '' : arn.slice(slash + 1);
}

function sessionIssuerOf(identity: Loose): Loose | null {
  const context = objectOf(identity.sessionContext);
  return context ? objectOf(context.sessionIssuer) : null;
}

/** The role name behind an assumed-role identity: the session issuer's userName, else the ARN's role segment. */
function assumedRoleName(identity: Loose, arn: string): string {
  const issuer = sessionIssuerOf(identity);
  const fromIssuer = issuer ? text(issuer.userName) : '';
  if (fromIssuer) return fromIssuer;
  const marker = ':assumed-role/';
  const at = arn.indexOf(marker);
  if (at < 0) return '';
  const rest = arn.slice(at + marker.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? rest : rest.slice(0, slash);
}

/** The session name of an assumed-role ARN (`assumed-role/Role/Session`), '' when the ARN has none. */
function assumedRoleSession(arn: string): string {
  const marker = ':assumed-role/';
  const at = arn.indexOf(marker);
  if (at < 0) return '';
  const rest = arn.slice(at + marker.length);
  return rest.indexOf('/') < 0 ? '' : lastArnSegment(rest);
}

/**
 * The actor label, first match wins: IAMUser -> userName; AssumedRole ->
 * `issuer/session`; Root -> `root`; IdentityCenterUser -> `idc:<userId>`;
 * AWSService (or no type with invokedBy) -> invokedBy; else arn > principalId > type.
 * A rule whose field is missing falls through to the next.
 */
export function actorLabel(identityValue: unknown): string {
  const identity = objectOf(identityValue);
  if (!identity) return '';
  const type = text(identity.type);
  const arn = text(identity.arn);
  switch (type) {
    case 'IAMUser': {
      const name = text(identity.userName);
      if (name) return name;
      break;
    }
    case 'AssumedRole': {
      const role = assumedRoleName(identity, arn);
      const session = assumedRoleSession(arn);
      if (role && session) return `${role}/${session}`;
      if (role) return role;
      break;
    }
    case 'Root':
      return 'root';
    case 'IdentityCenterUser': {
      const behalf = objectOf(identity.onBehalfOf);
      const userId = behalf ? text(behalf.userId) : '';
      if (userId) return `idc:${userId}`;
      break;
    }
    case 'AWSService': {
      const service = text(identity.invokedBy);
      if (service) return service;
      break;
    }
    case '': {
      const service = text(identity.invokedBy);
      if (service) return service;
      break;
    }
  }
  return arn || text(identity.principalId) || type;
}

/** userIdentity.arn, or the session issuer's ARN when that is all the record has. */
export function principalArnOf(identityValue: unknown): string {
  const identity = objectOf(identityValue);
  if (!identity) return '';
  const arn = text(identity.arn);
  if (arn) return arn;
  const issuer = sessionIssuerOf(identity);
  return issuer ? text(issuer.arn) : '';
}

/**
 * Every name a `user:` term should find this event by: the IAM user name,
 * the role name and session name of an assumed role, `root` for Root, the
 * Identity Center user id, and the principal ARN. Distinct, original case.
 */
export function userNamesOf(identityValue: unknown): string[] {
  const identity = objectOf(identityValue);
  const names: string[] = [];
  if (!identity) return names;
  const type = text(identity.type);
  const arn = text(identity.arn);
  push(names, text(identity.userName));
  if (type === 'AssumedRole' || arn.includes(':assumed-role/')) {
    const role = assumedRoleName(identity, arn);
    const session = assumedRoleSession(arn);
    push(names, role);
    push(names, session);
    // An AssumedRole's actor label is already `Role/session`; under another type
    // (Unknown, missing) the label falls back to the ARN, so `user:Role/session` needs it here.
    if (type !== 'AssumedRole' && role && session) push(names, `${role}/${session}`);
  } else {
    const issuer = sessionIssuerOf(identity);
    if (issuer) push(names, text(issuer.userName));
  }
  if (type === 'Root') push(names, 'root');
  if (type === 'IdentityCenterUser') {
    const behalf = objectOf(identity.onBehalfOf);
    if (behalf) push(names, text(behalf.userId));
  }
  push(names, principalArnOf(identity));
  return names;
}

function push(names: string[], name: string): void {
  if (name !== '' && !names.includes(name)) names.push(name);
}

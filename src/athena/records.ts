/**
 * A result row of athenaStatement back into a CloudTrail record (CloudTrail's
 * key names), so the same normalize(), list and export code shows it.
 * Athena returns every value as text: JSON columns are parsed back; the
 * useridentity and resources structs come as JSON (statement.ts casts them).
 */
type Loose = Record<string, unknown>;

const TOP_KEYS: Record<string, string> = {
  eventversion: 'eventVersion',
  eventtime: 'eventTime',
  eventsource: 'eventSource',
  eventname: 'eventName',
  awsregion: 'awsRegion',
  sourceipaddress: 'sourceIPAddress',
  useragent: 'userAgent',
  errorcode: 'errorCode',
  errormessage: 'errorMessage',
  requestid: 'requestID',
  eventid: 'eventID',
  eventtype: 'eventType',
  apiversion: 'apiVersion',
  recipientaccountid: 'recipientAccountId',
  sharedeventid: 'sharedEventID',
  vpcendpointid: 'vpcEndpointId',
  eventcategory: 'eventCategory',
};
const JSON_KEYS: Record<string, string> = {
  requestparameters: 'requestParameters',
  responseelements: 'responseElements',
  additionaleventdata: 'additionalEventData',
  serviceeventdetails: 'serviceEventDetails',
};
const STRUCT_KEYS: Record<string, string> = {
  type: 'type',
  principalid: 'principalId',
  arn: 'arn',
  accountid: 'accountId',
  invokedby: 'invokedBy',
  accesskeyid: 'accessKeyId',
  username: 'userName',
  onbehalfof: 'onBehalfOf',
  userid: 'userId',
  identitystorearn: 'identityStoreArn',
  sessioncontext: 'sessionContext',
  attributes: 'attributes',
  mfaauthenticated: 'mfaAuthenticated',
  creationdate: 'creationDate',
  sessionissuer: 'sessionIssuer',
  ec2roledelivery: 'ec2RoleDelivery',
  webidfederationdata: 'webIdFederationData',
  federatedprovider: 'federatedProvider',
};

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Struct JSON with CloudTrail's key spelling; nulls dropped as CloudTrail omits them. */
function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (typeof value !== 'object' || value === null) return value;
  const out: Loose = {};
  for (const [key, inner] of Object.entries(value as Loose)) {
    if (inner === null) continue;
    out[STRUCT_KEYS[key] ?? key] = camel(inner);
  }
  return out;
}

export function recordFromRow(row: Record<string, string | null>): Loose {
  const record: Loose = {};
  for (const [column, value] of Object.entries(row)) {
    if (value === null || value === '') continue;
    if (TOP_KEYS[column]) record[TOP_KEYS[column]] = value;
    else if (JSON_KEYS[column]) record[JSON_KEYS[column]] = parse(value);
    else if (column === 'readonly') record.readOnly = value === 'true' ? true : value === 'false' ? false : value;
    else if (column === 'useridentity') record.userIdentity = camel(parse(value));
    else if (column === 'resources') {
      const list = parse(value);
      if (Array.isArray(list)) {
        record.resources = list.map((r) => {
          const entry = (r ?? {}) as Loose;
          const out: Loose = {};
          if (entry.arn != null) out.ARN = entry.arn;
          if (entry.accountid != null) out.accountId = entry.accountid;
          if (entry.type != null) out.type = entry.type;
          return out;
        });
      }
    } else record[column] = value;
  }
  return record;
}

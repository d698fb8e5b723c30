/**
 * Column widths follow the widest values in view: IPv4 addresses and common
 * error codes show whole from 100 columns up, titles are never cut, and
 * hidden columns are named in the title row.
 */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { COLUMNS, COLUMN_GAP, COMFORT_FROM, hiddenColumns, layoutColumns, OPTIONAL_COLUMNS, titleRow, widestValues, type ColumnDef } from '../../src/ui/columns.js';
import { EventList } from '../../src/ui/EventList.js';
import { makeTheme, ThemeContext } from '../../src/ui/theme.js';
import { makeRow } from './fixtures.js';

const ctx = { zone: 'utc' as const, shortTime: true };
const rows = [
  makeRow({ name: 'GetFoundationModelAvailability', actor: 'stratus-red-team-user', sourceIp: '255.090.254.115', errorCode: 'InvalidClientTokenId' }),
  makeRow({ name: 'PutObject', actor: 'alice', sourceIp: '192.168.100.200', errorCode: 'UnauthorizedOperation' }),
  makeRow({ name: 'ListBuckets', sourceIp: '10.0.0.1', errorCode: 'AccessDenied' }),
];

function renderList(width: number): string {
  const app = render(
    <ThemeContext.Provider value={makeTheme(false)}>
      <EventList rows={rows} window={{ top: 0, end: rows.length, cursor: 0 }} width={width} height={rows.length + 1} zone="utc" emptyText="none" />
    </ThemeContext.Provider>,
  );
  const frame = app.lastFrame() ?? '';
  app.unmount();
  return frame;
}

describe('column widths follow the values in view', () => {
  it('show IPv4 addresses and common error codes whole from 100 columns up, filling the width exactly', () => {
    const widest = widestValues(rows, ctx);
    expect(widest.ip).toBe(15);
    for (let width = 98; width <= 260; width++) {
      const laid = layoutColumns(width, false, widest);
      const ip = laid.find((c) => c.def.id === 'ip');
      const error = laid.find((c) => c.def.id === 'error');
      expect(ip?.width, `IP at ${width}`).toBeGreaterThanOrEqual(15);
      expect(error?.width, `error at ${width}`).toBeGreaterThanOrEqual('UnauthorizedOperation'.length);
      expect(laid.reduce((sum, c) => sum + c.width, 0) + COLUMN_GAP * (laid.length - 1)).toBe(width);
    }
  });

  it('show a region up to 25 characters whole or not at all, at every width', () => {
    // stratus-red-team's anonymised regions run to 21 characters; the longest real one, us-isof-southeast-1, to 19.
    const regions = [...rows, makeRow({ region: 'megov-southcentral-3r' }), makeRow({ region: 'us-isof-southeast-1' })];
    const widest = widestValues(regions, ctx);
    for (let width = 60; width <= 260; width++) {
      const region = layoutColumns(width, false, widest).find((c) => c.def.id === 'region');
      if (region) expect(region.width, `region at ${width}`).toBeGreaterThanOrEqual('megov-southcentral-3r'.length);
    }
    expect(layoutColumns(218, false, widest).find((c) => c.def.id === 'region')).toBeDefined();
  });

  it('give blank width to the columns whose values are cut, not to short ones', () => {
    // At 200 columns the event name is no wider than its widest value while the user's long name is whole.
    const long = [...rows, makeRow({ actor: 'stratus-red-team-user-federation-session' })];
    const laid = layoutColumns(198, false, widestValues(long, ctx));
    const width = (id: string) => laid.find((c) => c.def.id === id)!.width;
    expect(width('user')).toBeGreaterThanOrEqual('stratus-red-team-user-federation-session'.length);
    expect(width('ip')).toBeLessThan(20);
  });

  it('at 80 columns keep readable titles and name the hidden columns in the title row', () => {
    const laid = layoutColumns(78, false, widestValues(rows, ctx));
    const hidden = hiddenColumns(laid).map((c) => c.id);
    expect(hidden[0]).toBe('ip');
    const titles = titleRow(laid, 78);
    expect(titles).not.toContain('…');
    expect(titles).toMatch(/\+IP \+\d$/);
    expect(titles.length).toBeLessThanOrEqual(78);
    for (const col of laid) expect(col.width).toBeGreaterThanOrEqual(col.def.short.length);
  });

  it('on screen: whole addresses and error codes at 100 columns, +IP and no cut titles at 80', () => {
    const wide = renderList(100);
    for (const value of ['255.090.254.115', '192.168.100.200', 'UnauthorizedOperation', 'InvalidClientTokenId']) expect(wide).toContain(value);
    const narrow = renderList(80);
    const title = narrow.split('\n')[0]!;
    expect(title).not.toContain('…');
    expect(title).toContain('+IP');
    expect(narrow).toContain('UnauthorizedOperation'.slice(0, 11));
  });
});

describe('the README\'s column rules', () => {
  // QA: ResourceNotFoundException (25 characters) showed as `ResourceNotFoundExc…` at 80 columns.
  it('an error code up to 25 characters is shown whole or not at all, at every width', () => {
    const withLong = [...rows, makeRow({ errorCode: 'ResourceNotFoundException' })];
    for (const withYear of [false, true]) {
      for (let width = 38; width <= 260; width++) {
        const error = layoutColumns(width, withYear, widestValues(withLong, { ...ctx, withYear })).find((c) => c.def.id === 'error');
        if (error) expect(error.width, `at ${width}`).toBeGreaterThanOrEqual('ResourceNotFoundException'.length);
      }
    }
    // At 80 columns it stays (errors are what a reader scans for); a less needed column gives way.
    expect(layoutColumns(78, false, widestValues(withLong, ctx)).map((c) => c.def.id)).toContain('error');
  });

  it('a longer error code in view still leaves room for the 25-character ones (it alone is cut)', () => {
    const widest = widestValues([...rows, makeRow({ errorCode: 'Client.UnauthorizedOperation' })], ctx);
    const error = layoutColumns(78, false, widest).find((c) => c.def.id === 'error');
    expect(error?.width).toBeGreaterThanOrEqual(25);
  });

  // QA: at 100 columns on the shared data sets (years apart, ResourceNotFoundException in view) the IP was hidden.
  it('shows the Source IP and the error code from 100 columns up, even with the year and a 25-character code', () => {
    const withLong = [...rows, makeRow({ errorCode: 'ResourceNotFoundException' })];
    for (const withYear of [false, true]) {
      for (let width = 98; width <= 260; width++) {
        const ids = layoutColumns(width, withYear, widestValues(withLong, { ...ctx, withYear })).map((c) => c.def.id);
        expect(ids, `at ${width}, withYear ${withYear}`).toContain('ip');
        expect(ids, `at ${width}, withYear ${withYear}`).toContain('error');
      }
    }
  });
});

describe('resource type', () => {
  it('is shown whole (EC2::Instance) or not at all', () => {
    for (let width = 60; width <= 200; width++) {
      const type = layoutColumns(width, false, widestValues(rows, ctx)).find((c) => c.def.id === 'resourceType');
      if (type) expect(type.width, `at ${width}`).toBeGreaterThanOrEqual('EC2::Instance'.length);
    }
  });
});

describe('the event name and the user grow with the window', () => {
  // As stratus-red-team's: long event names, long role sessions, resource types and regions in view.
  const wide = [
    makeRow({ name: 'GetFoundationModelAvailability', actor: 'AWSReservedSSO_account-admin_599c9e90e350d2ff', source: 'bedrock.amazonaws.com', region: 'megov-northeast-1r', sourceIp: '035.249.253.232', resources: [{ type: 'AWS::EC2::Instance', name: 'i-EFCb4e480CAbc4CF9', arn: '', accountId: '' }] }),
    makeRow({ name: 'SendSerialConsoleSSHPublicKey', actor: 'stratus-red-team-user-federation-user', source: 'ec2-instance-connect.amazonaws.com', region: 'cniso-east-3r', sourceIp: '201.252.42.03', errorCode: 'AccessDenied' }),
  ];
  const widest = widestValues(wide, ctx);
  const widthOf = (laid: ReturnType<typeof layoutColumns>, id: string): number => laid.find((c) => c.def.id === id)?.width ?? 0;

  it('at 120 columns: the resource name whole, then the event name and the user up to 30 and 24 cells, IP and error code still whole; Event source, Resource type and Region give way', () => {
    const laid = layoutColumns(118, false, widest);
    expect(widthOf(laid, 'resourceName')).toBeGreaterThanOrEqual('i-EFCb4e480CAbc4CF9'.length);
    expect(widthOf(laid, 'name')).toBeGreaterThanOrEqual('GetFoundationModelAvailability'.length);
    // One cell short of its comfort width here: the resource name had its own first.
    expect(widthOf(laid, 'user')).toBeGreaterThanOrEqual(23);
    expect(widthOf(laid, 'ip')).toBe(15);
    expect(widthOf(laid, 'error')).toBeGreaterThanOrEqual('AccessDenied'.length);
    // The resource name shares the comfort widths: the source gives way to it too.
    expect(hiddenColumns(laid).map((c) => c.id)).toEqual(['source', 'resourceType', 'region']);
    expect(laid.reduce((sum, c) => sum + c.width, 0) + COLUMN_GAP * (laid.length - 1)).toBe(118);
  });

  it('once the resource name has its comfort width, are never narrower than at 80 (the user was cut at 13 at 100, the name at 20 at 140)', () => {
    // From 100 columns the Source IP (15 cells) and the resource name's 19 come first: with these long
    // values the name and the user are back to their 80-column widths from 106 columns up.
    const at80 = layoutColumns(78, false, widest);
    for (let width = 104; width <= 258; width++) {
      const laid = layoutColumns(width, false, widest);
      expect(widthOf(laid, 'name'), `name at ${width}`).toBeGreaterThanOrEqual(widthOf(at80, 'name'));
      expect(widthOf(laid, 'user'), `user at ${width}`).toBeGreaterThanOrEqual(widthOf(at80, 'user'));
    }
  });

  it('below 100 columns the layout is the one without comfort widths (80 columns loses nothing)', () => {
    const plain: ColumnDef[] = COLUMNS.map(({ comfort: _comfort, yieldToNames: _yield, ...def }) => def);
    for (let width = 60; width < COMFORT_FROM; width++) {
      const widths = (defs: readonly ColumnDef[]) => layoutColumns(width, false, widest, defs).map((c) => `${c.def.id}:${c.width}`);
      expect(widths(COLUMNS), `at ${width}`).toEqual(widths(plain));
    }
  });
});

describe('the resource name, the main thing to read in a row', () => {
  // QA at 140x45: `TrailDis…` on traildiscover (requestParameters.bucketName:traildiscoverbucket) and
  // `sg-0c9b9c1…` on samples/, while the error code held 12-25 cells, often empty, and the user 24-25.
  const bucket = { type: 'AWS::S3::Bucket', name: 'TrailDiscoverBucket', arn: '', accountId: '' };
  const traildiscover = [
    makeRow({ name: 'GetBucketObjectLockConfiguration', actor: 'SSO/TrailDiscover', source: 's3.amazonaws.com', region: 'us-east-1', sourceIp: '0.0.0.0', errorCode: 'NoSuchBucket', resources: [bucket] }),
    makeRow({ name: 'GetBucketOwnershipControls', actor: 'AWSReservedSSO_ReadOnlyAccess_0123456789abcdef', source: 's3.amazonaws.com', region: 'us-east-1', sourceIp: '0.0.0.0', errorCode: 'NoSuchBucket', resources: [bucket] }),
    makeRow({ name: 'GetBucketAcl', actor: 'TrailDiscover', source: 's3.amazonaws.com', region: 'us-east-1', sourceIp: '0.0.0.0', errorCode: 'NoSuchBucket', resources: [bucket] }),
  ];
  const group = (name: string) => ({ type: 'AWS::EC2::SecurityGroup', name, arn: '', accountId: '' });
  const samples = [
    makeRow({ name: 'AuthorizeSecurityGroupIngress', actor: 'carol', source: 'ec2.amazonaws.com', region: 'us-west-2', sourceIp: '192.0.2.10', resources: [group('sg-0c9b9c10b65d33a0d'), group('sg-0452c7d15cd2ad7f5')] }),
    makeRow({ name: 'AuthorizeSecurityGroupIngress', actor: 'ci-deployer/gha-5514394364', source: 'ec2.amazonaws.com', region: 'us-west-2', sourceIp: '192.0.2.10', resources: [group('sg-0452c7d15cd2ad7f5'), group('sg-0c9b9c10b65d33a0d')] }),
  ];
  const widthOf = (laid: ReturnType<typeof layoutColumns>, id: string): number => laid.find((c) => c.def.id === id)?.width ?? 0;

  it('is whole at 140 columns on both screens the review showed', () => {
    for (const [rowsInView, longest] of [[traildiscover, 'TrailDiscoverBucket'], [samples, 'sg-0c9b9c10b65d33a0d +1']] as const) {
      for (const withYear of [false, true]) {
        const laid = layoutColumns(138, withYear, widestValues(rowsInView, { ...ctx, withYear }));
        expect(widthOf(laid, 'resourceName'), `${longest}, withYear ${withYear}`).toBeGreaterThanOrEqual(longest.length);
      }
    }
  });

  it('on screen at 140 columns: the bucket and the security groups whole', () => {
    for (const [rowsInView, names] of [[traildiscover, ['TrailDiscoverBucket']], [samples, ['sg-0c9b9c10b65d33a0d +1', 'sg-0452c7d15cd2ad7f5 +1']]] as const) {
      const app = render(
        <ThemeContext.Provider value={makeTheme(false)}>
          <EventList rows={rowsInView} window={{ top: 0, end: rowsInView.length, cursor: 0 }} width={140} height={rowsInView.length + 1} zone="utc" emptyText="none" />
        </ThemeContext.Provider>,
      );
      const frame = app.lastFrame() ?? '';
      app.unmount();
      for (const name of names) expect(frame).toContain(name);
    }
  });

  it('typical names (an instance, a security group, a bucket) are whole from 100 columns up', () => {
    const typical = [
      makeRow({ name: 'GetBucketAcl', actor: 'alice', source: 's3.amazonaws.com', errorCode: 'AccessDenied', resources: [bucket] }),
      makeRow({ name: 'DescribeInstances', actor: 'ci-deployer/gha-551439', source: 'ec2.amazonaws.com', resources: [group('sg-0c9b9c10b65d33a0d')] }),
    ];
    for (const withYear of [false, true]) {
      const widest = widestValues(typical, { ...ctx, withYear });
      for (let width = COMFORT_FROM; width <= 258; width++) {
        expect(widthOf(layoutColumns(width, withYear, widest), 'resourceName'), `at ${width}, withYear ${withYear}`).toBeGreaterThanOrEqual('sg-0c9b9c10b65d33a0d'.length);
      }
    }
  });

  it('a column whose values fit holds no more than they need, within its min; spare width goes where values are cut', () => {
    // alice alone, no error in view, S3 object keys longer than any width.
    const keys = [1, 2, 3].map((k) => makeRow({ actor: 'alice', source: 's3.amazonaws.com', resources: [{ type: 'AWS::S3::Object', name: `acme-prod-reports/exports/2026/11/${k}/orders-2026-11-22-part-000${k}.snappy.parquet`, arn: '', accountId: '' }] }));
    for (let width = 118; width <= 258; width += 20) {
      const laid = layoutColumns(width, false, widestValues(keys, ctx));
      expect(widthOf(laid, 'user'), `user at ${width}`).toBe(COLUMNS.find((def) => def.id === 'user')!.min);
      // No error in view: the blank Error column is hidden while the keys are cut (see the next block), else at its min.
      expect([0, COLUMNS.find((def) => def.id === 'error')!.min], `error at ${width}`).toContain(widthOf(laid, 'error'));
      if (widthOf(laid, 'error') > 0) expect(widthOf(laid, 'resourceName'), `at ${width}`).toBeGreaterThanOrEqual(keys[0]!.resources[0]!.name.length);
      // The source holds its values (`s3.amazonaws.com`) at most, the IP its minimum.
      expect(widthOf(laid, 'source'), `source at ${width}`).toBeLessThanOrEqual('s3.amazonaws.com'.length);
      expect(widthOf(laid, 'ip'), `IP at ${width}`).toBe(15);
    }
  });
});

describe('columns turned on in the chooser', () => {
  // QA: Account and Identity type turned on at 80x24 showed neither; the title said only `+IP +5`.
  const chosen = [...COLUMNS, ...OPTIONAL_COLUMNS.filter((def) => def.id === 'account' || def.id === 'identityType')];
  const inView = [
    makeRow({ name: 'AuthorizeSecurityGroupIngress', actor: 'carol', errorCode: 'AccessDenied', resources: [{ type: 'AWS::EC2::SecurityGroup', name: 'sg-0c9b9c10b65d33a0d', arn: '', accountId: '' }] }),
  ];

  it('win over the default columns after the time, the event name and the user when space is short', () => {
    const widest = widestValues(inView, ctx, chosen);
    for (let width = 58; width <= 200; width++) {
      const ids = layoutColumns(width, false, widest, chosen).map((c) => c.def.id);
      if (!ids.includes('identityType')) continue;
      expect(ids, `at ${width}`).toContain('account');
    }
    const at80 = layoutColumns(78, false, widest, chosen);
    expect(at80.map((c) => c.def.id)).toEqual(['time', 'name', 'user', 'account', 'identityType']);
    // The row is full, yet the title row still says columns are hidden.
    const titles = titleRow(at80, 78, chosen);
    expect(titles.length).toBeLessThanOrEqual(78);
    expect(titles).toMatch(/ \+\d+$/);
  });
});

describe('columns blank on every row in view give way to cut names (from 100 columns up)', () => {
  // QA at 140x45 on traildiscover, after a histogram span: `demo-create-iam-user-ha…` while a blank Error
  // column (and, on other screens, a blank User) kept their min widths: 26 cells that showed nothing.
  const fn = { type: 'AWS::Lambda::Function', name: 'demo-create-iam-user-handler', arn: '', accountId: '' };
  const span = (actor: string, resource = fn) => [
    makeRow({ name: 'GetAuthorizationToken', actor, source: 'ecr.amazonaws.com', region: 'us-east-1', sourceIp: '0.0.0.0', resources: [] }),
    makeRow({ name: 'GetFunction20150331v2', actor, source: 'lambda.amazonaws.com', region: 'us-east-1', sourceIp: '0.0.0.0', resources: [resource] }),
    makeRow({ name: 'GetFunctionConfiguration20150331v2', actor, source: 'lambda.amazonaws.com', region: 'us-east-1', sourceIp: '0.0.0.0', resources: [resource] }),
    makeRow({ name: 'DescribeNetworkInterfaces', actor, source: 'ec2.amazonaws.com', region: 'us-east-1', sourceIp: '0.0.0.0', resources: [] }),
  ];
  const widthOf = (laid: ReturnType<typeof layoutColumns>, id: string): number => laid.find((c) => c.def.id === id)?.width ?? 0;

  it('at 140 columns the blank Error (and a blank User) are hidden and the resource name is whole', () => {
    for (const withYear of [false, true]) {
      const named = layoutColumns(138, withYear, widestValues(span('SSO/AdanAlvarez'), { ...ctx, withYear }));
      expect(widthOf(named, 'user')).toBeGreaterThanOrEqual('SSO/AdanAlvarez'.length);
      expect(widthOf(named, 'resourceName'), `withYear ${withYear}`).toBeGreaterThanOrEqual(fn.name.length);
      expect(widthOf(named, 'name'), `withYear ${withYear}`).toBeGreaterThanOrEqual('GetFunctionConfiguration20150331v2'.length);
      // The review's screen (one year: the full time takes the seconds): the names whole only without it.
      if (!withYear) {
        expect(widthOf(named, 'error')).toBe(0);
        expect(titleRow(named, 138)).toContain('+Error');
      }
      // No user either, and a longer name: the User column gives way too (12 + 12 cells and their gaps).
      const role = { ...fn, name: 'demo-create-iam-user-handler-role-0123456789' };
      const nobody = layoutColumns(138, withYear, widestValues(span('', role), { ...ctx, withYear }));
      expect(hiddenColumns(nobody).map((c) => c.id)).toEqual(expect.arrayContaining(['user', 'error']));
      expect(widthOf(nobody, 'resourceName')).toBeGreaterThanOrEqual(role.name.length);
      expect(widthOf(nobody, 'name')).toBeGreaterThanOrEqual('GetFunctionConfiguration20150331v2'.length);
      expect(nobody.reduce((sum, c) => sum + c.width, 0) + COLUMN_GAP * (nobody.length - 1)).toBe(138);
    }
  });

  it('stay while a row in view has a value, and come back once the names are whole (a wider window)', () => {
    const withError = [...span(''), makeRow({ name: 'ListFunctions20150331', errorCode: 'AccessDenied', resources: [] })];
    expect(widthOf(layoutColumns(138, false, widestValues(withError, ctx)), 'error')).toBeGreaterThanOrEqual('AccessDenied'.length);
    const widest = widestValues(span('SSO/AdanAlvarez'), ctx);
    const at200 = layoutColumns(198, false, widest);
    expect(widthOf(at200, 'error')).toBe(COLUMNS.find((def) => def.id === 'error')!.min);
    expect(widthOf(at200, 'resourceName')).toBeGreaterThanOrEqual(fn.name.length);
    // Every width from 100 up: hidden only while the names would be cut without its cells.
    for (let width = COMFORT_FROM; width <= 258; width++) {
      const laid = layoutColumns(width, false, widest);
      if (widthOf(laid, 'error') > 0) expect(widthOf(laid, 'resourceName'), `at ${width}`).toBeGreaterThanOrEqual(fn.name.length);
      expect(laid.reduce((sum, c) => sum + c.width, 0) + COLUMN_GAP * (laid.length - 1), `at ${width}`).toBe(width);
    }
  });

  it('below 100 columns nothing else changes: the layout without comfort widths while no shown column is blank', () => {
    const plain: ColumnDef[] = COLUMNS.map(({ comfort: _comfort, yieldToNames: _yield, ...def }) => def);
    const widest = widestValues([...span('SSO/AdanAlvarez'), makeRow({ name: 'ListFunctions20150331', actor: 'SSO/AdanAlvarez', errorCode: 'AccessDenied', resources: [fn] })], ctx);
    for (let width = 60; width < COMFORT_FROM; width++) {
      const widths = (defs: readonly ColumnDef[]) => layoutColumns(width, false, widest, defs).map((c) => `${c.def.id}:${c.width}`);
      expect(widths(COLUMNS), `at ${width}`).toEqual(widths(plain));
    }
    expect(layoutColumns(78, false, widest).map((c) => c.def.id)).toContain('error');
  });

  it('below 100 columns too, a blank Error column gives its cells to the cut names (80x24 kept 12 blank cells beside a cut name)', () => {
    const widest = widestValues(span('SSO/AdanAlvarez'), ctx);
    for (let width = 60; width < COMFORT_FROM; width++) {
      const laid = layoutColumns(width, false, widest);
      const kept = layoutColumns(width, false, { ...widest, error: 'AccessDenied'.length });
      expect(widthOf(laid, 'error'), `at ${width}`).toBe(0);
      expect(widthOf(laid, 'resourceName') + widthOf(laid, 'name') + widthOf(laid, 'user'), `at ${width}`).toBeGreaterThan(widthOf(kept, 'resourceName') + widthOf(kept, 'name') + widthOf(kept, 'user'));
      expect(laid.reduce((sum, c) => sum + c.width, 0) + COLUMN_GAP * (laid.length - 1), `at ${width}`).toBe(width);
    }
    const at78 = layoutColumns(78, false, widest);
    expect(titleRow(at78, 78)).toContain('+Error');
    // Its 12 cells and gap: the resource name first (a cut ID says nothing), as from 100 columns up.
    expect(at78.map((c) => `${c.def.id}:${c.width}`)).toEqual(['time:14', 'name:22', 'user:15', 'resourceName:24']);
  });
});

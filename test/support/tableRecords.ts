/** A plain record of AWS's CloudTrail table's common fields (an S3 GetObject by an IAM user), for tests of the table's columns. */
export function tableRecord(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventID: id,
    eventTime: '2024-03-05T12:00:00Z',
    eventName: 'GetObject',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '10.0.1.7',
    userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    readOnly: true,
    eventType: 'AwsApiCall',
    eventCategory: 'Management',
    recipientAccountId: '111122223333',
    ...overrides,
  };
}

/**
 * Whether an access key ID can stand for one key, so that events may be linked by it. Anonymised
 * logs mask keys (`AKIA****************` throughout the traildiscover data set, `ASIAXXXXXXXXXXXXXXXX`
 * in write-ups): every masked key then reads the same, and linking by it would join unrelated
 * sessions. IAM's AccessKeyId is `[\w]+` (letters, digits, underscore), so a key holding any other
 * character (`*`, `…`, a space) is masked; one whose part after the four-letter prefix is one
 * character repeated is a placeholder. Short keys count as keys: test data and anonymisers shorten
 * them but keep them distinct. The four-letter prefix (AKIA, ASIA) survives masking and still says
 * whether the credentials were temporary.
 */
export function isUsableAccessKey(key: string): boolean {
  return /^\w+$/.test(key) && !/^.{4}(.)\1{7,}$/.test(key);
}

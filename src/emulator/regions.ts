/**
 * Regions: which credential-scope regions the emulator accepts (any name that fits one of AWS's
 * partition patterns, so regions launched later still work but `xx-fake-9` does not), and S3's
 * answer to a request signed for the wrong one.
 */
import { EmulatorFault } from './context.ts'

// The `regionRegex` of each partition in the SDKs' partitions.json (aws-sdk-js-v3
// packages/util-endpoints/src/lib/aws/partitions.json), with `\w+` narrowed to lower-case
// letters: every region name AWS has issued is lower case.
const REGION_NAME =
  /^(?:(?:us|eu|ap|sa|ca|me|af|il|mx|cn)-[a-z]+|us-(?:gov|iso|isob|isof)-[a-z]+|eu-isoe-[a-z]+|eusc-de-[a-z]+)-\d+$/

/** Whether `region` is a syntactically valid AWS region name (`us-east-1`, `cn-north-1`, ...). */
export function isRegionName(region: string): boolean {
  return REGION_NAME.test(region)
}

/**
 * S3's answer to a request signed for the wrong region: 400 `AuthorizationHeaderMalformed`
 * ("the region 'X' is wrong; expecting 'Y'") or, presigned, `AuthorizationQueryParametersError`,
 * each with a `Region` element naming the right one (the body S3 sends, as AWS clients quote it
 * in aws/aws-sdk-js#1786 and minio/minio-go#677; botocore's S3RegionRedirector reads `Region`).
 * `headers` adds `x-amz-bucket-region` when a bucket's region is what was expected.
 */
export function s3WrongRegion(
  region: string,
  expected: string,
  presigned: boolean,
  headers: Record<string, string> = {},
): EmulatorFault {
  const why = `the region '${region}' is wrong; expecting '${expected}'`
  return presigned
    ? new EmulatorFault(
      'AuthorizationQueryParametersError',
      `Error parsing the X-Amz-Credential parameter; ${why}`,
      400,
      { Region: expected },
      headers,
    )
    : new EmulatorFault(
      'AuthorizationHeaderMalformed',
      `The authorization header is malformed; ${why}`,
      400,
      { Region: expected },
      headers,
    )
}

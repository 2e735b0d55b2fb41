/**
 * What the benchmark workers use from stsrefresh, bundled by `Bun.build` (target node, minified,
 * as scripts/build.ts builds dist/) so Node and Bun run the same JavaScript. Like every public
 * entry it installs the Node/Bun/Deno platform (whose digests signing uses). `signRequest`,
 * `sha256Hex` and `getPlatform` are internals, exported here only so the signing benchmark can
 * call the exact path the request layer takes.
 */
import '../../../src/runtime/install-platform.ts'
export { refreshable } from '../../../src/credentials/refreshable.ts'
export { fromAssumeRole } from '../../../src/credentials/assume-role.ts'
export { createS3Client } from '../../../src/s3/index.ts'
export { createDynamoDbClient } from '../../../src/dynamodb/index.ts'
export { sha256Hex } from '../../../src/aws/hex.ts'
export { signRequest } from '../../../src/aws/sign.ts'
export { getPlatform } from '../../../src/platform.ts'

// Signing throughput, one runtime (Bun or Node) per process: the stsrefresh path (aws4fetch's
// AwsV4Signer through src/aws/sign.ts, with the per-client signing-key cache and the host's
// digests) vs the AWS SDK's @smithy/signature-v4 with its default Node hash. Usage:
//   <bun|node> sign-worker.mjs <lib-bundle.mjs> <ms-per-sample> <rounds>
// Prints {"<case>": {"stsrefresh": [ops/s...], "smithy": [ops/s...]}} (warm-up round dropped).
import { SignatureV4 } from '@smithy/signature-v4'
import { Sha256 } from '@smithy/core/checksum'

const [bundle, msArg, roundsArg] = process.argv.slice(2)
const { signRequest, sha256Hex, getPlatform } = await import(bundle)
// As request.ts signs: with the installed platform's digests (host SHA-256/HMAC where present).
const digests = getPlatform().digests
const ms = Number(msArg)
const rounds = Number(roundsArg)

const credentials = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE12',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'FwoGZXIvYXdzEXAMPLE'.repeat(20),
}
const host = '127.0.0.1:4566'
const ddbBody = JSON.stringify({ TableName: 'bench', Item: { id: { S: 'key-000001' }, v: { N: '42' }, s: { S: 'x'.repeat(100) } } })

const cases = {
  // S3 GetObject: x-amz-content-sha256 is hashed by the layer (sha256Hex), as request.ts does.
  's3-get': {
    async stsrefresh(keyCache) {
      const headers = new Headers({ 'x-amz-content-sha256': await sha256Hex(undefined) })
      await signRequest({ method: 'GET', url: new URL(`http://${host}/bench/object-1`), headers, body: undefined, credentials, service: 's3', region: 'us-east-1', nowMs: Date.now(), keyCache, digests })
    },
    async smithy(signer) {
      await signer.sign({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: '/bench/object-1', query: {}, headers: { host, 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }, body: undefined })
    },
    service: 's3',
  },
  // DynamoDB PutItem: a ~200-byte JSON body hashed into the signature.
  'dynamodb-put': {
    async stsrefresh(keyCache) {
      const headers = new Headers({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' })
      await signRequest({ method: 'POST', url: new URL(`http://${host}/`), headers, body: ddbBody, credentials, service: 'dynamodb', region: 'us-east-1', nowMs: Date.now(), keyCache, digests })
    },
    async smithy(signer) {
      await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: '/', query: {}, headers: { host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' }, body: ddbBody })
    },
    service: 'dynamodb',
  },
}

async function rate(op) {
  let count = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < 16; i++) await op()
    count += 16
    now = performance.now()
  }
  return (count * 1000) / (now - start)
}

const out = {}
for (const [name, c] of Object.entries(cases)) {
  const keyCache = new Map()
  const signer = new SignatureV4({ credentials, region: 'us-east-1', service: c.service, sha256: Sha256, uriEscapePath: c.service !== 's3' })
  const variants = { stsrefresh: () => c.stsrefresh(keyCache), smithy: () => c.smithy(signer) }
  const samples = { stsrefresh: [], smithy: [] }
  for (let round = 0; round <= rounds; round++) {
    const order = round % 2 === 0 ? ['stsrefresh', 'smithy'] : ['smithy', 'stsrefresh']
    for (const v of order) {
      const value = await rate(variants[v])
      if (round > 0) samples[v].push(value)
    }
  }
  out[name] = samples
}
console.log(JSON.stringify(out))

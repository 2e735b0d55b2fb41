// Item 3, stsrefresh's side: refreshable(fromAssumeRole(DurationSeconds=900)) handed to the S3
// client, doing S3 GetObject calls back to back for a while. Usage:
//   bun pattern-stsrefresh.mjs <lib-bundle.mjs> <endpoint> <role-arn> <seconds>
// Base credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Prints one JSON line:
// {"calls": N, "failures": N, "seconds": S, "errors": {...}}.
const [bundle, endpoint, roleArn, secondsArg] = process.argv.slice(2)
const { refreshable, fromAssumeRole, createS3Client } = await import(bundle)
const seconds = Number(secondsArg)
const source = { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY }
const credentials = refreshable(fromAssumeRole({ roleArn, roleSessionName: 'stsrefresh', durationSeconds: 900, region: 'us-east-1', endpoint, source }))
const s3 = createS3Client({ region: 'us-east-1', credentials, endpoint, forcePathStyle: true })
let calls = 0
let failures = 0
const errors = {}
const start = performance.now()
while (performance.now() - start < seconds * 1000) {
  try {
    await (await s3.getObject({ Bucket: 'bench', Key: 'pattern.txt' })).Body.bytes()
  } catch (error) {
    failures++
    const name = error?.code ?? error?.name ?? 'Error'
    errors[name] = (errors[name] ?? 0) + 1
  }
  calls++
}
await credentials.stop()
console.log(JSON.stringify({ calls, failures, seconds: (performance.now() - start) / 1000, errors }))

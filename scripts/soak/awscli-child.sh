#!/bin/sh
# Soak child: the AWS CLI in a shell loop, run under `stsrefresh exec`, calling S3 and DynamoDB
# until SOAK_DEADLINE (epoch ms). Each `aws` run fetches credentials from the credential server
# anew; GetCallerIdentity at the start and the end says whose they were. Results go to
# SOAK_RESULT as JSON; the first errors (stderr) to SOAK_RESULT.err.
whoami() { aws sts get-caller-identity --query Arn --output text 2>> "$SOAK_RESULT.err" | tr -d '"\\\r\n' || true; }
start=$(whoami)
calls=0
failures=0
n=0
body="$SOAK_RESULT.body"
now_ms() { date +%s%3N; }
while [ "$(now_ms)" -lt "$SOAK_DEADLINE" ]; do
  key="cli/$((n % 50))"
  echo "cli object $n" > "$body"
  calls=$((calls + 1))
  aws s3api put-object --bucket soak --key "$key" --body "$body" > /dev/null 2>> "$SOAK_RESULT.err" || failures=$((failures + 1))
  calls=$((calls + 1))
  aws dynamodb put-item --table-name soak --item "{\"pk\":{\"S\":\"cli#$((n % 50))\"},\"n\":{\"N\":\"$n\"}}" > /dev/null 2>> "$SOAK_RESULT.err" || failures=$((failures + 1))
  calls=$((calls + 1))
  got=$(aws dynamodb get-item --table-name soak --consistent-read --key "{\"pk\":{\"S\":\"cli#$((n % 50))\"}}" --query Item.n.N --output text 2>> "$SOAK_RESULT.err")
  if [ "$got" != "$n" ]; then failures=$((failures + 1)); echo "get-item cli#$((n % 50)): got '$got', want '$n'" >> "$SOAK_RESULT.err"; fi
  n=$((n + 1))
done
end=$(whoami)
printf '{"client":"aws-cli","calls":%d,"failures":%d,"errors":[],"identity":{"start":"%s","end":"%s"}}\n' \
  "$calls" "$failures" "${start:-error: no answer}" "${end:-error: no answer}" > "$SOAK_RESULT"
[ "$failures" -eq 0 ]

# Soak child: boto3, run under `stsrefresh exec`, calling S3 and DynamoDB in a loop until
# SOAK_DEADLINE (epoch ms). Credentials should come only from the credential server:
# GetCallerIdentity at the start and the end says whose they were (the clients share the session's
# credentials), and every access key they used is reported. Results go to SOAK_RESULT as JSON.
import json
import os
import sys
import time

import boto3
from botocore.config import Config

deadline = int(os.environ["SOAK_DEADLINE"]) / 1000
session = boto3.session.Session()
s3 = session.client("s3", config=Config(s3={"addressing_style": "path"}))
ddb = session.client("dynamodb")
sts = session.client("sts")
calls = 0
failures = 0
errors = []
identity = {}
keys = set()


def whoami(when):
    try:
        identity[when] = sts.get_caller_identity()["Arn"]
    except Exception as error:  # noqa: BLE001 - reported, judged by the soak
        identity[when] = f"error: {type(error).__name__}: {str(error)[:200]}"


def note_keys():
    # The credentials object every client of the session signs with.
    credentials = session.get_credentials()
    if credentials is not None:
        keys.add(credentials.get_frozen_credentials().access_key)


whoami("start")


def call(what, fn):
    global calls, failures
    calls += 1
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - every failure counts
        failures += 1
        if len(errors) < 10:
            errors.append(f"{what}: {type(error).__name__}: {str(error)[:200]}")


n = 0
while time.time() < deadline:
    key = f"boto3/{n % 50}"
    body = f"boto3 object {n}".encode()

    def get_object():
        out = s3.get_object(Bucket="soak", Key=key)
        if out["Body"].read() != body:
            raise RuntimeError(f"object {key} came back different")

    def get_item():
        out = ddb.get_item(TableName="soak", Key={"pk": {"S": f"boto3#{n % 50}"}}, ConsistentRead=True)
        if out.get("Item", {}).get("n", {}).get("N") != str(n):
            raise RuntimeError(f"item boto3#{n % 50} came back different")

    call("PutObject", lambda: s3.put_object(Bucket="soak", Key=key, Body=body))
    call("GetObject", get_object)
    call("PutItem", lambda: ddb.put_item(TableName="soak", Item={"pk": {"S": f"boto3#{n % 50}"}, "n": {"N": str(n)}}))
    call("GetItem", get_item)
    note_keys()
    n += 1
    time.sleep(0.05)

whoami("end")
with open(os.environ["SOAK_RESULT"], "w") as out:
    json.dump(
        {
            "client": "boto3",
            "calls": calls,
            "failures": failures,
            "errors": errors,
            "identity": identity,
            "keys": sorted(keys),
        },
        out,
    )
sys.exit(0 if failures == 0 else 1)

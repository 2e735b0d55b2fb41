"""Item 3, the pattern people use today: botocore's RefreshableCredentials around an STS
AssumeRole with DurationSeconds=900 (the minimum), handed to a boto3 S3 client, doing S3
GetObject calls back to back for a while. Usage:
    python3 botocore_refresh.py <endpoint> <role-arn> <seconds>
Base credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Prints one JSON line:
{"calls": N, "failures": N, "seconds": S, "errors": {...}}.
"""
import json
import sys
import time

import boto3
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.session import get_session

endpoint, role_arn, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
sts = boto3.client('sts', endpoint_url=endpoint, region_name='us-east-1')


def refresh():
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName='botocore', DurationSeconds=900)['Credentials']
    return {
        'access_key': creds['AccessKeyId'],
        'secret_key': creds['SecretAccessKey'],
        'token': creds['SessionToken'],
        'expiry_time': creds['Expiration'].isoformat(),
    }


credentials = RefreshableCredentials.create_from_metadata(
    metadata=refresh(), refresh_using=refresh, method='sts-assume-role')
botocore_session = get_session()
botocore_session._credentials = credentials
botocore_session.set_config_variable('region', 'us-east-1')
session = boto3.Session(botocore_session=botocore_session)
s3 = session.client('s3', endpoint_url=endpoint, config=Config(s3={'addressing_style': 'path'}))

calls = failures = 0
errors = {}
start = time.monotonic()
while time.monotonic() - start < seconds:
    try:
        s3.get_object(Bucket='bench', Key='pattern.txt')['Body'].read()
    except Exception as error:  # count every failure, whatever its kind
        failures += 1
        name = getattr(error, 'response', {}).get('Error', {}).get('Code') or type(error).__name__
        errors[name] = errors.get(name, 0) + 1
    calls += 1
print(json.dumps({'calls': calls, 'failures': failures, 'seconds': time.monotonic() - start, 'errors': errors}))

"""Item 2: AssumeRole end to end from a cold Python process with boto3 (Debian's
python3-boto3), printed in the credential_process format. Base credentials come from the
environment. Usage: python3 boto3_assume_role.py <endpoint> <role-arn>
"""
import json
import sys

import boto3

endpoint, role_arn = sys.argv[1], sys.argv[2]
sts = boto3.client('sts', endpoint_url=endpoint, region_name='us-east-1')
creds = sts.assume_role(RoleArn=role_arn, RoleSessionName='boto3', DurationSeconds=3600)['Credentials']
print(json.dumps({
    'Version': 1,
    'AccessKeyId': creds['AccessKeyId'],
    'SecretAccessKey': creds['SecretAccessKey'],
    'SessionToken': creds['SessionToken'],
    'Expiration': creds['Expiration'].isoformat(),
}))

import { describe, expect, test } from 'bun:test'
import { codeFromStatus, parseErrorBody, sanitizeErrorCode } from '../../src/aws/errors.ts'

describe('parseErrorBody', () => {
  test('query/STS ErrorResponse', () => {
    const body = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/a is not authorized to perform: sts:AssumeRole</Message>
  </Error>
  <RequestId>4a8b1c2d-0000-4000-8000-000000000001</RequestId>
</ErrorResponse>`
    expect(parseErrorBody('query', 403, body)).toEqual({
      code: 'AccessDenied',
      message:
        'User: arn:aws:iam::123456789012:user/a is not authorized to perform: sts:AssumeRole',
      requestId: '4a8b1c2d-0000-4000-8000-000000000001',
    })
  })

  test('EC2-style Response > Errors > Error with RequestID', () => {
    const body =
      '<Response><Errors><Error><Code>RequestExpired</Code><Message>Request has expired.</Message></Error></Errors><RequestID>r-1</RequestID></Response>'
    expect(parseErrorBody('query', 400, body)).toEqual({
      code: 'RequestExpired',
      message: 'Request has expired.',
      requestId: 'r-1',
    })
  })

  test('S3 Error with extra elements; header request id wins', () => {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a b</Key><RequestId>body-id</RequestId><HostId>h</HostId></Error>'
    expect(parseErrorBody('rest-xml', 404, body)).toEqual({
      code: 'NoSuchKey',
      message: 'The specified key does not exist.',
      requestId: 'body-id',
    })
    const headers = new Headers({ 'x-amz-request-id': 'hdr-id' })
    expect(parseErrorBody('rest-xml', 404, body, headers).requestId).toBe('hdr-id')
  })

  test('S3 HEAD without a body: code from the status', () => {
    const headers = new Headers({ 'x-amz-request-id': 'R1' })
    expect(parseErrorBody('rest-xml', 404, '', headers)).toEqual({
      code: 'NotFound',
      message: 'HTTP 404',
      requestId: 'R1',
    })
    expect(parseErrorBody('rest-xml', 403, '').code).toBe('Forbidden')
    expect(parseErrorBody('rest-xml', 412, '').code).toBe('PreconditionFailed')
    expect(parseErrorBody('rest-xml', 418, '').code).toBe('Http418')
  })

  test('S3 SlowDown 503', () => {
    const body =
      '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>'
    expect(parseErrorBody('rest-xml', 503, body)).toEqual({
      code: 'SlowDown',
      message: 'Please reduce your request rate.',
    })
  })

  test('JSON __type with prefix, message or Message', () => {
    const headers = new Headers({ 'x-amzn-requestid': 'DDB1' })
    expect(
      parseErrorBody(
        'json',
        400,
        '{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"Rate exceeded"}',
        headers,
      ),
    ).toEqual({
      code: 'ProvisionedThroughputExceededException',
      message: 'Rate exceeded',
      requestId: 'DDB1',
    })
    expect(
      parseErrorBody(
        'json',
        400,
        '{"__type":"com.amazon.coral.validate#ValidationException","Message":"bad"}',
      ),
    ).toEqual({
      code: 'ValidationException',
      message: 'bad',
    })
    expect(parseErrorBody('json', 400, '{"__type":"ResourceNotFoundException"}')).toEqual({
      code: 'ResourceNotFoundException',
      message: 'HTTP 400',
    })
  })

  test('JSON x-amzn-errortype header wins and is sanitised', () => {
    const headers = new Headers({
      'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/',
    })
    expect(parseErrorBody('json', 400, '{"message":"slow"}', headers)).toEqual({
      code: 'ThrottlingException',
      message: 'slow',
    })
  })

  test('unparsable bodies fall back to the status and a one-line snippet', () => {
    expect(parseErrorBody('query', 502, '<html>\n<body>Bad   Gateway</body>\n</html>')).toEqual({
      code: 'BadGateway',
      message: '<html> <body>Bad Gateway</body> </html>',
    })
    expect(parseErrorBody('json', 500, 'not json')).toEqual({
      code: 'InternalError',
      message: 'not json',
    })
    expect(parseErrorBody('query', 503, '<Error><Code>Un')).toEqual({
      code: 'ServiceUnavailable',
      message: '<Error><Code>Un',
    })
    const long = 'x'.repeat(500)
    expect(parseErrorBody('json', 500, long).message).toBe(`${'x'.repeat(200)}…`)
  })

  test('sanitizeErrorCode and codeFromStatus', () => {
    expect(
      sanitizeErrorCode(
        'aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/',
      ),
    ).toBe('FooError')
    expect(sanitizeErrorCode('FooError')).toBe('FooError')
    expect(codeFromStatus(504)).toBe('GatewayTimeout')
  })
})

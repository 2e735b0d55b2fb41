/**
 * The Content-Type `s3 cp` gives an uploaded local file when `--content-type` is not named, as
 * the AWS CLI guesses it: `mimetypes.guess_type(path)[0]`, Python's table extended by Debian's
 * /etc/mime.types (media-types). Where the AWS CLI guesses nothing we send nothing, and S3 stores
 * its default, binary/octet-stream.
 */
import { basename } from 'node:path'

// The values `mimetypes.guess_type` gives on Debian 12 (Python 3.11 + media-types), checked one
// by one: /etc/mime.types overrides Python's own table, hence text/javascript and
// application/xml. Text types carry no charset because the AWS CLI sends none.
// Left out on purpose, because Python guesses no type for them: .gz (an *encoding* to Python,
// so `x.gz` gets no type; `x.tar.gz` would get application/x-tar, which mislabels gzip bytes and
// which we do not copy), and .yaml/.yml (in neither table).
const TYPES: ReadonlyMap<string, string> = new Map(Object.entries({
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  json: 'application/json',
  txt: 'text/plain',
  csv: 'text/csv',
  md: 'text/markdown',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  ico: 'image/vnd.microsoft.icon',
  pdf: 'application/pdf',
  zip: 'application/zip',
  tar: 'application/x-tar',
  wasm: 'application/wasm',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
  woff: 'font/woff',
  woff2: 'font/woff2',
}))

/** The guessed Content-Type of local file `path`, or `undefined` to leave it to S3. */
export function guessContentType(path: string): string | undefined {
  // As Python's splitext: the text after the last dot of the file name, where leading dots
  // belong to the name (`.html` has no extension); matched case-insensitively, as Python does.
  const name = basename(path).replace(/^\.+/, '')
  const dot = name.lastIndexOf('.')
  return dot === -1 ? undefined : TYPES.get(name.slice(dot + 1).toLowerCase())
}

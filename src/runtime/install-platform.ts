/**
 * Imported for its effect by every library entry (`stsrefresh`, `/sts`, `/s3`, `/dynamodb`):
 * install the Node/Bun/Deno platform, unless a platform is installed already (by the
 * application, or by another entry of this package that loaded first).
 */
import { getPlatform, setPlatform, webPlatform } from '../platform.ts'
import { nodePlatform } from './platform.ts'

if (getPlatform() === webPlatform) setPlatform(nodePlatform)

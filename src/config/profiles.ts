/**
 * Load and merge the shared `config` and `credentials` files into profiles. Files are read at
 * every call (through the injected or installed platform), so a profile edited mid-run is seen
 * at the next refresh.
 */
import { ConfigError } from '../errors.ts'
import { getPlatform } from '../platform.ts'
import { classifySection, parseIni } from './ini.ts'
import type { IniDocument } from './ini.ts'

/** Where a setting was read from. */
export interface SettingOrigin {
  readonly file: string
  /** 1-based line number. */
  readonly line: number
}

/**
 * One profile after merging both files: its settings with lowercase keys, as in the files. A
 * sub-section (`s3 =` followed by indented lines) appears as dotted keys (`s3.addressing_style`),
 * as in the AWS SDK for JS v3. The credentials file wins over the config file key by key.
 */
export type ProfileData = Readonly<Record<string, string>>

/** Where a profile and each of its settings were read from, for error messages. */
export interface ProfileOrigins {
  readonly name: string
  /** Per key of the {@link ProfileData}. */
  readonly keys: Readonly<Record<string, SettingOrigin>>
  /** The section headers that define the profile (config file first, then credentials). */
  readonly definedIn: readonly SettingOrigin[]
}

/** A named non-profile section of the config file (`[sso-session x]`, `[services x]`). */
export interface NamedSection {
  readonly name: string
  readonly settings: Readonly<Record<string, string>>
  readonly subsections: Readonly<Record<string, Readonly<Record<string, string>>>>
  readonly origin: SettingOrigin
}

/** Everything {@link loadProfiles} found. */
export interface LoadedProfiles {
  readonly profiles: Map<string, ProfileData>
  /** File and line of every profile and setting, by profile name. */
  readonly origins: Map<string, ProfileOrigins>
  /** The config file path that was read (or would have been, when it is missing). */
  readonly configFile: string
  /** The credentials file path that was read (or would have been). */
  readonly credentialsFile: string
  readonly ssoSessions: Map<string, NamedSection>
  readonly services: Map<string, NamedSection>
}

/** Options of {@link loadProfiles}; each defaults to the installed platform at call time. */
export interface LoadProfilesOptions {
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly readTextFile?: (path: string) => Promise<string>
  readonly homeDir?: string
}

/**
 * The profile to use: `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else `default`. botocore reads
 * `AWS_DEFAULT_PROFILE` first; the AWS SDK for JS v3 reads only `AWS_PROFILE` (and so does every
 * current AWS document), so `AWS_PROFILE` wins here and the legacy name is a fallback.
 */
export function resolveProfileName(env: Readonly<Record<string, string | undefined>>): string {
  return env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || 'default'
}

/** True when a profile was chosen explicitly through `AWS_PROFILE` or `AWS_DEFAULT_PROFILE`. */
export function profileFromEnv(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE)
}

function expandHome(path: string, home: string | undefined): string {
  if (path !== '~' && !path.startsWith('~/') && !path.startsWith('~\\')) return path
  if (!home) {
    throw new ConfigError(
      `cannot expand "~" in ${path}: the home directory is unknown; set HOME or give an absolute path`,
      { file: path },
    )
  }
  return `${home.replace(/[\\/]+$/, '')}${path.slice(1)}`
}

/**
 * The config and credentials file paths: `AWS_CONFIG_FILE` (default `~/.aws/config`) and
 * `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`), with a leading `~` expanded.
 * Undefined when the default is needed but the home directory is unknown.
 */
export function sharedFilePaths(
  env: Readonly<Record<string, string | undefined>>,
  home: string | undefined,
): { configFile: string | undefined; credentialsFile: string | undefined } {
  const pick = (variable: string, fallback: string): string | undefined => {
    const value = env[variable]
    if (value) return expandHome(value, home)
    return home ? expandHome(fallback, home) : undefined
  }
  return {
    configFile: pick('AWS_CONFIG_FILE', '~/.aws/config'),
    credentialsFile: pick('AWS_SHARED_CREDENTIALS_FILE', '~/.aws/credentials'),
  }
}

function isMissingFile(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, name } = error as { code?: unknown; name?: unknown }
  // Node and Bun report ENOENT/ENOTDIR; Deno's own APIs throw Deno.errors.NotFound.
  return code === 'ENOENT' || code === 'ENOTDIR' || name === 'NotFound'
}

async function readOptional(
  path: string | undefined,
  read: (path: string) => Promise<string>,
): Promise<IniDocument | undefined> {
  if (path === undefined) return undefined
  let text: string
  try {
    text = await read(path)
  } catch (error) {
    if (isMissingFile(error)) return undefined
    const reason = error instanceof Error ? error.message : String(error)
    throw new ConfigError(`cannot read ${path}: ${reason}`, { file: path, cause: error })
  }
  return parseIni(text, path)
}

interface Builder {
  settings: Record<string, string>
  origins: Record<string, SettingOrigin>
  definedIn: SettingOrigin[]
}

function newBuilder(): Builder {
  return {
    settings: Object.create(null) as Record<string, string>,
    origins: Object.create(null) as Record<string, SettingOrigin>,
    definedIn: [],
  }
}

function sectionRecords(
  entries: IniDocument['sections'][number]['entries'],
): { settings: Record<string, string>; subsections: Record<string, Record<string, string>> } {
  const settings = Object.create(null) as Record<string, string>
  const subsections = Object.create(null) as Record<string, Record<string, string>>
  for (const [key, entry] of entries) {
    if (entry.subsection) {
      subsections[key] = Object.assign(Object.create(null), Object.fromEntries(entry.subsection))
    } else {
      settings[key] = entry.value
    }
  }
  return { settings, subsections }
}

/** Later sections win key by key: the credentials file is merged after the config file. */
function mergeInto(builder: Builder, section: IniDocument['sections'][number], file: string): void {
  builder.definedIn.push({ file, line: section.line })
  for (const [key, entry] of section.entries) {
    if (entry.subsection) {
      // A sub-section replaces the same sub-section of a lower-precedence file as a whole.
      for (const existing of Object.keys(builder.settings)) {
        if (existing.startsWith(`${key}.`)) delete builder.settings[existing]
      }
      for (const [subKey, value] of entry.subsection) {
        builder.settings[`${key}.${subKey}`] = value
        builder.origins[`${key}.${subKey}`] = { file, line: entry.line }
      }
    } else if (entry.value !== '') {
      builder.settings[key] = entry.value
      builder.origins[key] = { file, line: entry.line }
    }
    // An empty value (`aws_session_token =` in a templated file) is no setting: botocore reads ''
    // and ignores it, and SDK v3's parseIni records no key for it.
  }
}

/**
 * Read both shared files and merge them into profiles. Missing files are fine (no profiles from
 * them); an unreadable or malformed file is a {@link ConfigError} naming it and the line. For
 * the same profile the credentials file wins key by key, as in botocore (`Session.full_config`)
 * and the AWS SDK for JS v3 (`mergeConfigFiles`). In the config file `[profile default]`
 * replaces `[default]`, as the AWS SDKs for JS v3 and Java v2 do.
 */
export async function loadProfiles(options: LoadProfilesOptions = {}): Promise<LoadedProfiles> {
  const platform = getPlatform()
  const env = options.env ?? platform.env()
  const read = options.readTextFile ?? ((path: string) => platform.readTextFile(path))
  const home = options.homeDir ?? platform.homeDir()
  const paths = sharedFilePaths(env, home)
  const [config, credentials] = await Promise.all([
    readOptional(paths.configFile, read),
    readOptional(paths.credentialsFile, read),
  ])
  const configFile = paths.configFile ?? '~/.aws/config'
  const credentialsFile = paths.credentialsFile ?? '~/.aws/credentials'

  const builders = new Map<string, Builder>()
  const ssoSessions = new Map<string, NamedSection>()
  const services = new Map<string, NamedSection>()
  const builderFor = (name: string): Builder => {
    let builder = builders.get(name)
    if (!builder) {
      builder = newBuilder()
      builders.set(name, builder)
    }
    return builder
  }

  const configSections = config?.sections ?? []
  // `[profile default]` replaces `[default]` entirely (AWS SDK for JS v3 getConfigData, Java v2).
  const hasProfileDefault = configSections.some((section) => {
    const kind = classifySection(section.header, 'config')
    return kind.kind === 'profile' && kind.name === 'default' && section.header !== 'default'
  })
  // ini.ts refuses a repeated header; two spellings of one profile (`[profile x]` and
  // `[profile "x"]`) would otherwise be merged silently.
  const definedAt = new Map<string, { header: string; line: number }>()
  for (const section of configSections) {
    const kind = classifySection(section.header, 'config')
    if (kind.kind === 'profile') {
      if (section.header === 'default' && hasProfileDefault) continue
      const first = definedAt.get(kind.name)
      if (first) {
        throw new ConfigError(
          `${configFile} line ${section.line}: [${section.header}] defines profile "${kind.name}" again ` +
            `(first as [${first.header}] on line ${first.line}): merge the two`,
          { file: configFile, profile: kind.name },
        )
      }
      definedAt.set(kind.name, { header: section.header, line: section.line })
      mergeInto(builderFor(kind.name), section, configFile)
    } else if (kind.kind === 'sso-session' || kind.kind === 'services') {
      const target = kind.kind === 'sso-session' ? ssoSessions : services
      target.set(kind.name, {
        name: kind.name,
        ...sectionRecords(section.entries),
        origin: { file: configFile, line: section.line },
      })
    }
  }
  for (const section of credentials?.sections ?? []) {
    mergeInto(builderFor(section.header), section, credentialsFile)
  }

  const profiles = new Map<string, ProfileData>()
  const origins = new Map<string, ProfileOrigins>()
  for (const [name, builder] of builders) {
    profiles.set(name, builder.settings)
    origins.set(name, { name, keys: builder.origins, definedIn: builder.definedIn })
  }
  return { profiles, origins, configFile, credentialsFile, ssoSessions, services }
}

/**
 * The named profile, or a {@link ConfigError} naming it and both files (and the profiles that
 * do exist) when it is in neither.
 */
export function getProfile(loaded: LoadedProfiles, name: string): ProfileData {
  const profile = loaded.profiles.get(name)
  if (profile) return profile
  const known = [...loaded.profiles.keys()]
  const hint =
    known.length > 0 ? `; profiles found: ${known.join(', ')}` : '; neither file has any profile'
  const files = `${loaded.configFile} ([profile ${name}]) or ${loaded.credentialsFile} ([${name}])`
  throw new ConfigError(
    `profile "${name}" not found in ${files}${hint}`,
    { profile: name, file: loaded.configFile },
  )
}

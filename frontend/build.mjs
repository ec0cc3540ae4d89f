// Builds the front end into earlyhelp/core/static/build/ (git-ignored): `npm run build`.
//
// - frontend/scss/application.scss → application.css (compressed, Arial, no GDS Transport)
// - GOV.UK Frontend's and MoJ Frontend's ES module bundles and HTMX, copied as they are
// - frontend/js/application.mjs, which starts them and runs the idle-session warning
// - frontend/js/autosave.js, loaded by the assessment pages (save as you type, print button)
// - MoJ Frontend's icons, our favicon and web app manifest (no crown: councils may not use it)
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'earlyhelp', 'core', 'static', 'build')
const modules = join(root, 'node_modules')

const copies = [
  ['govuk-frontend/dist/govuk/govuk-frontend.min.js', 'govuk-frontend.min.js'],
  ['govuk-frontend/dist/govuk/govuk-frontend.min.js.map', 'govuk-frontend.min.js.map'],
  ['@ministryofjustice/frontend/moj/moj-frontend.min.js', 'moj-frontend.min.js'],
  ['@ministryofjustice/frontend/moj/moj-frontend.min.js.map', 'moj-frontend.min.js.map'],
  ['htmx.org/dist/htmx.min.js', 'htmx.min.js']
]

// GOV.UK Frontend warns when MoJ Frontend uses its deprecated mixins; that is theirs to fix.
// Warnings caused by our own Sass are shown.
let hiddenWarnings = 0
const logger = {
  warn (message, { stack = '' } = {}) {
    const ours = stack.split('\n').some((line) => /^frontend\/scss\/(?!application\.scss)/.test(line))
    if (ours) console.warn(`Sass warning: ${message}\n${stack}`)
    else hiddenWarnings += 1
  }
}

// The Crown copyright link in GOV.UK Frontend's footer shows the royal crest, which councils may
// not use; our footer leaves the link out. Its url() becomes `none`, so the crest is not needed
// (Django's manifest storage refuses CSS that refers to missing files).
const crest = /url\(["']?\/static\/build\/images\/govuk-crest\.svg["']?\)/g

async function buildCss () {
  const result = sass.compile(join(root, 'frontend', 'scss', 'application.scss'), {
    style: 'compressed',
    loadPaths: [root],
    quietDeps: true,
    sourceMap: false,
    logger
  })
  if (hiddenWarnings) console.log(`(${hiddenWarnings} Sass warnings from dependencies not shown)`)
  const css = result.css.replace(crest, 'none')
  if (css.includes('GDS Transport')) {
    throw new Error('application.css mentions GDS Transport: councils may not use that font')
  }
  await writeFile(join(out, 'application.css'), css)
  return css
}

async function copyImages (css) {
  // Copy only the MoJ images the stylesheet refers to, and check every url() resolves.
  const mojImages = join(modules, '@ministryofjustice', 'frontend', 'moj', 'assets', 'images')
  const available = new Set(await readdir(mojImages))
  const urls = [...css.matchAll(/url\(["']?([^"')]+)["']?\)/g)].map((match) => match[1])
  const missing = []
  for (const url of new Set(urls)) {
    if (url.startsWith('data:')) continue
    const name = url.replace('/static/build/images/', '')
    if (url.startsWith('/static/build/images/') && available.has(name)) {
      await copyFile(join(mojImages, name), join(out, 'images', name))
    } else {
      missing.push(url)
    }
  }
  if (missing.length) {
    throw new Error(`application.css refers to files the build does not provide: ${missing}`)
  }
}

async function main () {
  await rm(out, { recursive: true, force: true })
  await mkdir(join(out, 'images'), { recursive: true })

  const css = await buildCss()
  await copyImages(css)
  for (const [from, to] of copies) {
    await copyFile(join(modules, from), join(out, to))
  }
  await copyFile(join(root, 'frontend', 'js', 'application.mjs'), join(out, 'application.mjs'))
  await copyFile(join(root, 'frontend', 'js', 'autosave.js'), join(out, 'autosave.js'))
  for (const name of await readdir(join(root, 'frontend', 'images'))) {
    await copyFile(join(root, 'frontend', 'images', name), join(out, 'images', name))
  }
  const manifest = JSON.parse(await readFile(join(root, 'frontend', 'manifest.json'), 'utf8'))
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2))

  const files = await readdir(out, { recursive: true })
  console.log(`Built ${files.length} files into ${relative(root, out)}/`)
}

main().catch((error) => {
  console.error(error.message)
  process.exitCode = 1
})

// Builds victimcare/static/ from frontend/ and node_modules: compiled CSS, JS modules and images.
// The output is not committed; `make run` and `make test` run this.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'victimcare', 'static')
for (const dir of ['css', 'js', 'images']) mkdirSync(join(out, dir), { recursive: true })

const css = sass.compile(join(root, 'frontend', 'scss', 'main.scss'), {
  loadPaths: [root, join(root, 'node_modules')],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import']
})
writeFileSync(join(out, 'css', 'main.css'), css.css)

const copies = [
  ['node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js', 'js/govuk-frontend.min.js'],
  ['node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js', 'js/moj-frontend.min.js'],
  ['node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css', 'css/moj-frontend.min.css'],
  ['frontend/js/app.js', 'js/app.js'],
  ['frontend/js/webauthn.js', 'js/webauthn.js'],
  ['frontend/images/favicon.svg', 'images/favicon.svg'],
  ['frontend/images/favicon.ico', 'images/favicon.ico'],
  ['node_modules/@ministryofjustice/frontend/moj/assets/images/icon-close-cross-black.svg', 'images/icon-close-cross-black.svg']
]
for (const [from, to] of copies) copyFileSync(join(root, from), join(out, to))
console.log(`Built assets into ${out}`)

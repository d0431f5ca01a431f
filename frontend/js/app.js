// Marks the page as JavaScript-enabled (GOV.UK Frontend's convention, done here because the CSP forbids inline
// script) and starts the GOV.UK and MOJ components. Every page works without it.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

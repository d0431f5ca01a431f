// Marks the page as JavaScript-enabled (GOV.UK Frontend's convention, done here because the CSP forbids inline
// script) and starts the GOV.UK and MOJ components. Every page works without it.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

// An export's progress page: without JavaScript it refreshes itself (a <noscript> meta refresh); with it, the
// status is fetched every two seconds and the live region updated, and the page reloads once the file is ready.
const exportStatus = document.querySelector('[data-export-status-url]')
if (exportStatus && exportStatus.dataset.finished === 'false') {
  const region = exportStatus.querySelector('[role="status"]')
  const bar = exportStatus.querySelector('progress')
  const poll = async () => {
    try {
      const response = await fetch(exportStatus.dataset.exportStatusUrl, { headers: { Accept: 'application/json' } })
      if (response.ok) {
        const state = await response.json()
        if (region.textContent !== state.words) region.textContent = state.words
        if (bar) { bar.value = state.percent; bar.textContent = `${state.percent}%` }
        if (state.finished) { window.location.reload(); return }
      }
    } catch (error) { /* the next try may work */ }
    window.setTimeout(poll, 2000)
  }
  window.setTimeout(poll, 2000)
}

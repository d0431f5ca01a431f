// Marks the page as JavaScript-enabled (GOV.UK Frontend's convention, done here because the CSP forbids inline
// script) and starts the GOV.UK and MOJ components. Every page works without it.
import { Checkboxes, ExitThisPage, Radios, initAll } from './govuk-frontend.min.js'
import { FilterToggleButton } from './moj-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

// "Exit this page" must not leave the form one Back press away: replace the page's history entry instead of adding
// one (GOV.UK's component assigns location.href). The rest of the component (overlay, Shift x3) is unchanged.
ExitThisPage.prototype.exitPage = function exitPage () {
  if (!this.$updateSpan) return
  this.$updateSpan.textContent = ''
  document.body.classList.add('govuk-exit-this-page-hide-content')
  this.$overlay = document.createElement('div')
  this.$overlay.className = 'govuk-exit-this-page-overlay'
  this.$overlay.setAttribute('role', 'alert')
  document.body.appendChild(this.$overlay)
  this.$overlay.textContent = this.i18n.t('activated')
  for (const form of document.querySelectorAll('form')) form.reset()
  window.location.replace(this.$button.href)
}

// Conditional reveals (a follow-up question under the answer that needs it): GOV.UK's component also sets
// aria-expanded on the radio or checkbox, an attribute ARIA does not allow on those roles (axe-core's
// aria-allowed-attr fails the page). The reveal itself is kept; the follow-up sits right after its answer, so a
// screen reader meets it next.
for (const Component of [Radios, Checkboxes]) {
  const sync = Component.prototype.syncConditionalRevealWithInputState
  Component.prototype.syncConditionalRevealWithInputState = function ($input) {
    sync.call(this, $input)
    $input.removeAttribute('aria-expanded')
  }
}

initAll()

// The offence page: a flag that says the same as the offence chosen above ("Domestic abuse" when the offence is
// domestic abuse) is hidden and cleared, so it is not asked twice. Without JavaScript the server drops the repeat.
for (const $select of document.querySelectorAll('[data-vc-category-select]')) {
  const sync = () => {
    for (const $input of $select.form.querySelectorAll('input[data-same-as-category]')) {
      const same = $input.dataset.sameAsCategory === $select.value
      $input.closest('.govuk-checkboxes__item').hidden = same
      if (same) $input.checked = false
    }
  }
  $select.addEventListener('change', sync)
  sync()
}

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

// MOJ "filter a list": on small screens the filter starts hidden behind a "Show filter" button, with a Close button.
for (const $filter of document.querySelectorAll('[data-module="moj-filter"]')) {
  /* eslint-disable no-new */
  new FilterToggleButton($filter, {
    toggleButtonContainer: { selector: '.moj-action-bar__filter' },
    closeButtonContainer: { selector: '.moj-filter__header-action' }
  })
}

// Security keys and passkeys (WebAuthn): the two round trips of adding a key and of signing in with one.
// A button with data-webauthn="register" or "authenticate" names the options and finish addresses; the page's
// CSRF token goes in a header. Errors are shown in the element named by data-webauthn-error.
const post = async (url, body, token) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token },
    body: JSON.stringify(body || {}),
    credentials: 'same-origin'
  })
  const data = await response.json().catch(() => ({}))
  if (!response.ok) throw new Error(data.detail || data.message || 'Something went wrong: try again')
  return data
}

const run = async (button) => {
  const form = button.closest('form')
  const token = form.querySelector('input[name="csrf_token"]').value
  const error = document.getElementById(button.dataset.webauthnError)
  error.hidden = true
  try {
    const options = await post(button.dataset.optionsUrl, {}, token)
    let credential
    if (button.dataset.webauthn === 'register') {
      credential = await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
    } else {
      credential = await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) })
    }
    const nameInput = form.querySelector('input[name="key_name"]')
    const done = await post(button.dataset.finishUrl, { credential: credential.toJSON(), name: nameInput ? nameInput.value : '' }, token)
    window.location.assign(done.redirect)
  } catch (problem) {
    error.textContent = problem.name === 'NotAllowedError' ? 'The security key was not used. Try again.' : problem.message
    error.hidden = false
  }
}

for (const button of document.querySelectorAll('[data-webauthn]')) {
  if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
    button.disabled = true
    continue
  }
  button.addEventListener('click', (event) => { event.preventDefault(); run(button) })
}

// earlyhelp's JavaScript. Loaded as a module (<script type="module" nonce>), so browsers too old
// for GOV.UK Frontend never run it, and every page works without it.
import { initAll as initGovukFrontend } from './govuk-frontend.min.js'
import { initAll as initMojFrontend } from './moj-frontend.min.js'

// What GOV.UK Frontend's inline snippet would do; the content security policy forbids inline
// scripts. A browser running this module supports GOV.UK Frontend.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initGovukFrontend()
initMojFrontend()
initSessionTimeoutWarning(document.body)

/**
 * Warns a signed-in user before their idle session ends, and lets them stay signed in.
 *
 * Reads from <body>: data-session-idle-seconds, data-session-warning-seconds,
 * data-keep-alive-url and data-signed-out-url; the dialog is #session-timeout-dialog in
 * base.html. Tabs share the time of the last activity through localStorage, so working in one
 * tab keeps the others from signing out.
 *
 * @param {HTMLElement} body
 */
function initSessionTimeoutWarning (body) {
  const idleSeconds = Number(body.dataset.sessionIdleSeconds)
  const warningSeconds = Number(body.dataset.sessionWarningSeconds)
  const keepAliveUrl = body.dataset.keepAliveUrl
  const signedOutUrl = body.dataset.signedOutUrl
  const dialog = document.getElementById('session-timeout-dialog')
  if (!idleSeconds || !keepAliveUrl || !signedOutUrl || !(dialog instanceof HTMLDialogElement)) {
    return
  }
  if (typeof dialog.showModal !== 'function') return // no native <dialog>: no warning

  const countdown = dialog.querySelector('[data-session-countdown]')
  const announcement = dialog.querySelector('[data-session-countdown-announcement]')
  const stayButton = dialog.querySelector('[data-session-keep-alive]')
  const storageKey = 'earlyhelp.session.lastActivity'
  const warnAfter = Math.max(idleSeconds - warningSeconds, 0) * 1000

  let lastActivity = Date.now()
  let returnFocusTo = null
  let lastAnnounced = ''
  let keepingAlive = false

  function shareActivity (time) {
    try {
      window.localStorage.setItem(storageKey, String(time))
    } catch {
      // Storage can be unavailable (private browsing); each tab then keeps its own time.
    }
  }

  function sharedActivity () {
    try {
      return Number(window.localStorage.getItem(storageKey)) || 0
    } catch {
      return 0
    }
  }

  function remainingText (milliseconds) {
    const seconds = Math.max(Math.ceil(milliseconds / 1000), 0)
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60)
      return `${minutes} minute${minutes === 1 ? '' : 's'}`
    }
    return `${seconds} second${seconds === 1 ? '' : 's'}`
  }

  // Screen readers hear the time when the dialog opens, then once a minute and at 30 seconds,
  // not every second.
  function announceText (milliseconds) {
    const seconds = Math.ceil(milliseconds / 1000)
    if (seconds > 60) return `${Math.ceil(seconds / 60)} minutes`
    if (seconds > 30) return '1 minute'
    return '30 seconds'
  }

  function openDialog (remaining) {
    returnFocusTo = document.activeElement
    countdown.textContent = remainingText(remaining)
    dialog.showModal()
    dialog.focus() // the dialog itself, so its title and message are read out first
    lastAnnounced = announceText(remaining)
  }

  function closeDialog () {
    if (dialog.open) dialog.close()
    announcement.textContent = ''
    if (returnFocusTo instanceof HTMLElement && document.contains(returnFocusTo)) {
      returnFocusTo.focus()
    }
  }

  function tick () {
    lastActivity = Math.max(lastActivity, sharedActivity())
    const remaining = lastActivity + idleSeconds * 1000 - Date.now()
    if (remaining <= 0) {
      window.location.assign(signedOutUrl)
      return
    }
    const warningDue = Date.now() - lastActivity >= warnAfter
    if (warningDue && !dialog.open) {
      openDialog(remaining)
    } else if (!warningDue && dialog.open) {
      closeDialog() // another tab kept the session alive
    } else if (dialog.open) {
      countdown.textContent = remainingText(remaining)
      const text = announceText(remaining)
      if (text !== lastAnnounced) {
        lastAnnounced = text
        announcement.textContent = `You will be signed out in ${text}.`
      }
    }
  }

  async function staySignedIn () {
    if (keepingAlive) return
    keepingAlive = true
    const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? ''
    try {
      const response = await fetch(keepAliveUrl, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'X-CSRFToken': token, 'X-Requested-With': 'fetch' }
      })
      if (!response.ok || response.redirected) throw new Error(`keep-alive: ${response.status}`)
      lastActivity = Date.now()
      shareActivity(lastActivity)
      closeDialog()
    } catch {
      window.location.assign(signedOutUrl) // the session has already ended
    } finally {
      keepingAlive = false
    }
  }

  stayButton.addEventListener('click', staySignedIn)
  // Escape closes a modal dialog; here it means "stay signed in", not "ignore".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    staySignedIn()
  })

  shareActivity(lastActivity)
  // Partial page updates reach the server too, so they count as activity.
  document.addEventListener('htmx:afterRequest', () => {
    lastActivity = Date.now()
    shareActivity(lastActivity)
  })
  window.addEventListener('storage', (event) => {
    if (event.key === storageKey) tick()
  })
  // Checking every second copes with laptops that sleep and timers that browsers slow down.
  window.setInterval(tick, 1000)
}

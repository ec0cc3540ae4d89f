// Assessment pages: save as you type, keep a copy on this computer, and the print button.
//
// A form with data-autosave-url and data-autosave-key:
// - every change is copied at once to localStorage under data-autosave-key (user, assessment
//   and section), so words typed after the session ended survive signing in again;
// - 1.5 seconds after typing stops, the form is POSTed (with the CSRF token) to the autosave
//   URL. 200: the section's new version goes into the form and "Saved at 10:42" is announced in
//   the form's role=status region, and the local copy is dropped once the server has the same
//   words. 409: someone else saved first; the local copy is kept and "Save and continue" shows
//   both versions. A redirect (to sign in) means the session ended: the local copy is kept;
// - on load, a local copy that differs from the page is put back into the fields, announced,
//   and saved from the version it was typed on (so a newer save by someone else is a conflict).
// Local copies older than a day are dropped, and all of them when the user signs out here.

const PREFIX = 'earlyhelp:assessment:'
const MAX_AGE_MS = 24 * 60 * 60 * 1000
const DELAY_MS = 1500

function fieldValues (form) {
  const values = {}
  for (const element of form.elements) {
    if (!element.name || element.name === 'csrfmiddlewaretoken' || element.name === 'version') continue
    if (element.type === 'radio' || element.type === 'checkbox') {
      if (!(element.name in values)) values[element.name] = ''
      if (element.checked) values[element.name] = element.value
    } else if (element.tagName === 'TEXTAREA' || element.type === 'text') {
      values[element.name] = element.value
    }
  }
  return values
}

function setValues (form, values) {
  let changed = false
  for (const [name, value] of Object.entries(values)) {
    for (const element of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (element.type === 'radio' || element.type === 'checkbox') {
        const checked = element.value === value
        if (element.checked !== checked) { element.checked = checked; changed = true }
      } else if (element.value !== value) {
        element.value = value
        changed = true
      }
    }
  }
  return changed
}

function readCopy (key) {
  try {
    const copy = JSON.parse(window.localStorage.getItem(key) ?? 'null')
    if (!copy || Date.now() - copy.at > MAX_AGE_MS) return null
    return copy
  } catch {
    return null
  }
}

function writeCopy (key, values, version) {
  try {
    window.localStorage.setItem(key, JSON.stringify({ at: Date.now(), values, version }))
  } catch {
    // Storage full or disabled: the server save still runs.
  }
}

function forgetCopy (key) {
  try { window.localStorage.removeItem(key) } catch {}
}

function dropOldCopies () {
  try {
    for (let i = window.localStorage.length - 1; i >= 0; i--) {
      const key = window.localStorage.key(i)
      if (key?.startsWith(PREFIX) && !readCopy(key)) forgetCopy(key)
    }
  } catch {}
}

function sameValues (a, b) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  for (const key of keys) if ((a[key] ?? '') !== (b[key] ?? '')) return false
  return true
}

function initAutosave (form) {
  const url = form.dataset.autosaveUrl
  const key = form.dataset.autosaveKey
  const status = form.querySelector('[data-autosave-status]')
  const version = form.querySelector('input[name="version"]')
  const token = form.querySelector('input[name="csrfmiddlewaretoken"]')?.value ??
    document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? ''
  let timer = null
  let saving = false
  let again = false

  function say (text) {
    if (status) status.textContent = text
  }

  async function save () {
    if (saving) { again = true; return }
    saving = true
    const values = fieldValues(form)
    const body = new FormData()
    body.append('version', version?.value ?? '0')
    for (const [name, value] of Object.entries(values)) body.append(name, value)
    try {
      const response = await fetch(url, {
        method: 'POST',
        body,
        credentials: 'same-origin',
        headers: { 'X-CSRFToken': token, 'X-Requested-With': 'fetch', Accept: 'application/json' }
      })
      const type = response.headers.get('Content-Type') ?? ''
      if (response.redirected || !type.includes('application/json')) {
        say('You have been signed out. What you typed is kept on this computer: sign in again and it will be put back and saved.')
        return
      }
      const result = await response.json()
      if (response.status === 200) {
        if (version) version.value = String(result.version)
        say(`Saved at ${result.saved_at}`)
        if (sameValues(values, fieldValues(form))) forgetCopy(key)
        // A save is activity: tell the idle-session timer, which listens for HTMX requests.
        document.dispatchEvent(new CustomEvent('htmx:afterRequest'))
      } else if (response.status === 409) {
        say(`${result.saved_by || 'Someone else'} has also changed this section. Nothing has been overwritten: select "Save and continue" to compare the two versions and choose.`)
      } else {
        say(`Not saved: ${(result.errors ?? []).join(' ') || 'check your answers'}. Select "Save and continue" to see why.`)
      }
    } catch {
      say('Not saved: the connection was lost. What you typed is kept on this computer and will be saved when you select "Save and continue".')
    } finally {
      saving = false
      if (again) { again = false; schedule() }
    }
  }

  function schedule () {
    window.clearTimeout(timer)
    timer = window.setTimeout(save, DELAY_MS)
  }

  function changed () {
    writeCopy(key, fieldValues(form), version?.value ?? '0')
    schedule()
  }

  form.addEventListener('input', changed)
  form.addEventListener('change', changed)
  // The page's own submit carries the same words; keep the local copy until the next page loads
  // without it, so a submit refused by an expired session loses nothing.
  form.addEventListener('submit', () => { window.clearTimeout(timer) })

  const copy = readCopy(key)
  if (copy && !sameValues(copy.values, fieldValues(form))) {
    setValues(form, copy.values)
    // Saved from the version the words were typed on: if someone has saved the section since,
    // the server answers 409 and nothing is overwritten.
    if (version && copy.version !== undefined) version.value = String(copy.version)
    say('We put back words you typed that had not been saved. Saving them now.')
    save()
  } else if (copy) {
    forgetCopy(key)
  }
}

function initPrint () {
  const button = document.querySelector('[data-print-button]')
  if (!button) return
  button.hidden = false
  document.querySelector('[data-print-instructions]')?.setAttribute('hidden', '')
  button.addEventListener('click', () => window.print())
}

function forgetOnSignOut () {
  for (const form of document.querySelectorAll('form[action$="/sign-out/"]')) {
    form.addEventListener('submit', () => {
      try {
        for (let i = window.localStorage.length - 1; i >= 0; i--) {
          const key = window.localStorage.key(i)
          if (key?.startsWith(PREFIX)) forgetCopy(key)
        }
      } catch {}
    })
  }
}

dropOldCopies()
for (const form of document.querySelectorAll('form[data-autosave-url][data-autosave-key]')) {
  initAutosave(form)
}
initPrint()
forgetOnSignOut()

// Drives stigscan's HTML report in headless Chromium over the DevTools
// protocol and prints what a user would see.
//   node htmlcheck.mjs CHROMIUM FILE.html
// Prints JSON: visible row counts initially, after clicking the "pass"
// status checkbox, after clicking the "high" severity checkbox, after
// typing a search, after opening a URL with a #status= fragment, whether a
// rule's details open on click, every network request that was not the
// file itself, and console errors.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'

const [chromium, file] = process.argv.slice(2)
const profile = mkdtempSync(join(tmpdir(), 'stigscan-chromium-'))
const proc = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-extensions', '--disable-breakpad', '--disable-crash-reporter', '--remote-debugging-port=0', `--user-data-dir=${profile}`,
  '--window-size=1400,1000', 'about:blank'
], { stdio: ['ignore', 'ignore', 'pipe'] })

const wsURL = await new Promise((resolve, reject) => {
  let buf = ''
  const timer = setTimeout(() => reject(new Error('chromium did not start: ' + buf)), 60000)
  proc.stderr.on('data', d => {
    buf += d
    const m = buf.match(/DevTools listening on (ws:\/\/\S+)/)
    if (m) { clearTimeout(timer); resolve(m[1]) }
  })
  proc.on('exit', code => reject(new Error(`chromium exited ${code}: ${buf}`)))
})

const ws = new WebSocket(wsURL, { perMessageDeflate: false })
await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject) })
let nextId = 1
const pending = new Map()
const listeners = []
ws.on('message', raw => {
  const msg = JSON.parse(raw)
  if (msg.id && pending.has(msg.id)) {
    const { resolve, reject } = pending.get(msg.id)
    pending.delete(msg.id)
    msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result)
  } else if (msg.method) {
    for (const l of listeners) l(msg)
  }
})
const send = (method, params = {}, sessionId) => new Promise((resolve, reject) => {
  const id = nextId++
  pending.set(id, { resolve, reject })
  ws.send(JSON.stringify({ id, method, params, sessionId }))
})
const once = (method, sessionId) => new Promise(resolve => {
  const l = msg => {
    if (msg.method === method && msg.sessionId === sessionId) {
      listeners.splice(listeners.indexOf(l), 1)
      resolve(msg.params)
    }
  }
  listeners.push(l)
})

const out = { requests: [], consoleErrors: [] }
// Never hang a test run: give up after two minutes.
const deadline = setTimeout(() => {
  out.error = 'timed out'
  process.stdout.write(JSON.stringify(out))
  proc.kill('SIGKILL')
  process.exit(0) // the test reads the error from the JSON
}, 120000)
try {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' })
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true })
  listeners.push(msg => {
    if (msg.sessionId !== sessionId) return
    if (msg.method === 'Network.requestWillBeSent') {
      const u = msg.params.request.url
      if (!u.startsWith('file://') && !u.startsWith('data:') && u !== 'about:blank') out.requests.push(u)
    }
    if (msg.method === 'Runtime.exceptionThrown') out.consoleErrors.push(msg.params.exceptionDetails.text)
    if (msg.method === 'Runtime.consoleAPICalled' && msg.params.type === 'error') out.consoleErrors.push(JSON.stringify(msg.params.args))
  })
  await send('Page.enable', {}, sessionId)
  await send('Network.enable', {}, sessionId)
  await send('Runtime.enable', {}, sessionId)
  await send('Emulation.setDeviceMetricsOverride', { width: 1400, height: 1000, deviceScaleFactor: 1, mobile: false }, sessionId)

  const evaluate = async expr => (await send('Runtime.evaluate', { expression: expr, returnByValue: true }, sessionId)).result.value
  const load = async url => {
    const loaded = once('Page.loadEventFired', sessionId)
    await send('Page.navigate', { url }, sessionId)
    await loaded
  }
  const count = () => evaluate('document.querySelectorAll("#rules tbody tr:not(.hidden)").length')
  const click = async selector => {
    await evaluate(`document.querySelector(${JSON.stringify(selector)}).scrollIntoView({block: 'center'})`)
    const r = await evaluate(`(() => { const b = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect(); return {x: b.x + b.width / 2, y: b.y + b.height / 2} })()`)
    for (const type of ['mousePressed', 'mouseReleased']) {
      await send('Input.dispatchMouseEvent', { type, x: r.x, y: r.y, button: 'left', clickCount: 1 }, sessionId)
    }
  }

  const url = 'file://' + file
  await load(url)
  out.title = await evaluate('document.title')
  out.total = await evaluate('document.querySelectorAll("#rules tbody tr").length')
  out.initial = await count()
  out.shownText = await evaluate('document.getElementById("shown").textContent')

  await click('input[name=status][value=pass]')
  out.afterUncheckPass = await count()
  out.hashAfterClick = await evaluate('location.hash')

  await click('input[name=severity][value=high]')
  out.afterUncheckHigh = await count()

  await click('input[name=status][value=pass]')
  await click('input[name=severity][value=high]')
  out.afterRecheck = await count()

  await evaluate('document.getElementById("f-q").focus()')
  await send('Input.insertText', { text: 'CCI-000130' }, sessionId)
  out.afterSearch = await count()

  // A fragment change alone fires no load event: load a blank page first.
  await load('about:blank')
  await load(url + '#status=fail')
  out.hashFail = await count()
  await load('about:blank')
  await load(url + '#status=fail,error&severity=high')
  out.hashFailErrorHigh = await count()

  out.detailsOpenBefore = await evaluate('document.querySelector("#rules tbody tr:not(.hidden) details").open')
  await click('#rules tbody tr:not(.hidden) details summary')
  out.detailsOpenAfter = await evaluate('document.querySelector("#rules tbody tr:not(.hidden) details").open')
} catch (e) {
  out.error = String(e && e.stack ? e.stack : e)
} finally {
  ws.close()
  if (proc.exitCode === null) {
    const exited = new Promise(resolve => proc.once('exit', resolve))
    proc.kill('SIGKILL')
    await exited
  }
  // Chromium's helper processes may still be writing the profile after the
  // browser exits; retry, and never fail the check over cleanup.
  try {
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  } catch {}
}
clearTimeout(deadline)
process.stdout.write(JSON.stringify(out))

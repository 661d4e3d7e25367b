// Runs MITRE's HDF tools on stigscan output.
//   node hdfckl.cjs ckl FILE.ckl  - hdf-converters' checklist mapper turns the
//                                   CKL into HDF; prints each control's id,
//                                   impact, result statuses and tags.
//   node hdfckl.cjs hdf FILE.json [OUT.ckl] - inspecjs parses the HDF with its
//                                   strict exec-json parser and contextualizes
//                                   it (the statuses Heimdall shows);
//                                   hdf-converters turns it into a CKL.
const fs = require('node:fs')
const { ChecklistResults } = require('@mitre/hdf-converters')
const inspecjs = require('inspecjs')

function main () {
  const [mode, file, out] = process.argv.slice(2)
  const text = fs.readFileSync(file, 'utf8')
  if (mode === 'ckl') {
    const hdf = new ChecklistResults(text).toHdf()
    return {
      profiles: hdf.profiles.map(p => ({
        name: p.name,
        controls: p.controls.map(c => ({
          id: c.id,
          impact: c.impact,
          status: (c.results || []).map(r => r.status),
          cci: c.tags.cci,
          stig_id: c.tags.stig_id
        }))
      }))
    }
  }
  if (mode === 'hdf') {
    const parsed = inspecjs.convertFile(text)
    const kind = Object.keys(parsed)[0]
    const ev = inspecjs.convertFileContextual(text)
    const controls = []
    for (const p of ev.contains) {
      for (const c of p.contains) {
        controls.push({ id: c.data.id, status: c.hdf.status, severity: c.hdf.severity, nist: c.hdf.rawNistTags })
      }
    }
    const result = { kind, controls }
    const ckl = new ChecklistResults(JSON.parse(text)).toCkl()
    result.cklVulns = (ckl.match(/<VULN>/g) || []).length
    if (out) fs.writeFileSync(out, ckl)
    return result
  }
  throw new Error('usage: hdfckl.cjs ckl|hdf FILE [OUT]')
}

let result
try {
  result = main()
} catch (e) {
  result = { error: String(e && e.stack ? e.stack : e) }
}
process.stdout.write(JSON.stringify(result))

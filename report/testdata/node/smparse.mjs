// Parses checklists with STIG Manager's own client modules and prints, per
// file, what STIG Manager would import: the target and, per checklist, each
// review's rule id, result, detail and comment. Usage: node smparse.mjs FILE...
import { readFileSync } from 'node:fs'
import { reviewsFromCkl, reviewsFromCklb } from '@nuwcdivnpt/stig-manager-client-modules'

// Import every review as it is: keep not-reviewed rules (with or without
// text) as notchecked, keep empty details and comments.
const importOptions = {
  autoStatus: 'saved',
  unreviewed: 'always',
  unreviewedCommented: 'notchecked',
  emptyDetail: 'import',
  emptyComment: 'import',
  allowCustom: true
}
const fieldSettings = {
  detail: { enabled: 'always', required: 'optional' },
  comment: { enabled: 'always', required: 'optional' }
}

const out = []
for (const file of process.argv.slice(2)) {
  const entry = { file }
  try {
    const data = readFileSync(file, 'utf8')
    const parse = file.endsWith('.cklb') ? reviewsFromCklb : reviewsFromCkl
    const r = parse({ data, importOptions, fieldSettings, allowAccept: false, sourceRef: file })
    entry.target = r.target
    entry.errors = r.errors ?? []
    entry.checklists = r.checklists.map(c => ({
      benchmarkId: c.benchmarkId,
      revisionStr: c.revisionStr,
      stats: c.stats,
      reviews: c.reviews.map(v => ({ ruleId: v.ruleId, result: v.result, detail: v.detail, comment: v.comment, resultEngine: v.resultEngine ?? null }))
    }))
  } catch (e) {
    entry.error = String(e?.message ?? e)
  }
  out.push(entry)
}
process.stdout.write(JSON.stringify(out))

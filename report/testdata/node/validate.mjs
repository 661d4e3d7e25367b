// Validates JSON documents against a JSON Schema (draft 2020-12) with Ajv.
//   node validate.mjs SCHEMA.json FILE.json...
// Prints one {file, valid, errors} per file.
import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

const [schemaFile, ...files] = process.argv.slice(2)
const ajv = new Ajv2020({ allErrors: true, strict: true })
addFormats(ajv)
const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')))
const out = files.map(file => {
  const valid = validate(JSON.parse(readFileSync(file, 'utf8')))
  return { file, valid, errors: valid ? [] : validate.errors.map(e => `${e.instancePath} ${e.message}`) }
})
process.stdout.write(JSON.stringify(out))

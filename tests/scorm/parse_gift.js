// Reads GIFT on standard input with gift-pegjs (an independent parser) and prints what it understood as JSON.
const { parse } = require("gift-pegjs");
let source = "";
process.stdin.on("data", (chunk) => { source += chunk; });
process.stdin.on("end", () => { process.stdout.write(JSON.stringify(parse(source))); });

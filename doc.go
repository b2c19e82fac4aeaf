// Package zhuxiang holds the domain of the 助乡 platform: the types that the
// prefecture's plan talks about (regions, departments, social organizations,
// users and their scopes, audit entries), their validation and the rules that
// every adapter must agree on. It does no I/O; storage, web pages and
// spreadsheets live in sub-packages named after what they wrap.
package zhuxiang

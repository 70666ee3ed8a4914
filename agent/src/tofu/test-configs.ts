/** OpenTofu configurations for tests: built-in resources only, so nothing is downloaded. */

/** One resource from a variable, a plain output and a sensitive one. */
export const greetingConfig = `
variable "greeting" {
  type = string
}
resource "terraform_data" "hello" {
  input = var.greeting
}
output "greeting" {
  value = terraform_data.hello.output
}
output "token" {
  value     = "s3cr3t-\${var.greeting}"
  sensitive = true
}
`;

/** A resource whose creation takes `seconds` (a local-exec provisioner): long enough to race or cancel. */
export function slowConfig(seconds: number): string {
  return `
resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep ${seconds}"
  }
}
`;
}

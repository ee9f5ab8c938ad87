variable "hcloud_token" {
  description = "A Hetzner Cloud API token (read and write) of the project the nodes run in."
  type        = string
  sensitive   = true
}

variable "panel_url" {
  description = "The panel's address as the nodes reach it (install.sh node --panel)."
  type        = string
}

variable "source_url" {
  description = "A .tar.gz of the Conductor release the nodes install (install.sh --source)."
  type        = string
}

variable "agent_port" {
  description = "The port the agent listens on."
  type        = number
  default     = 8443
}

variable "image" {
  description = "The image the nodes boot from."
  type        = string
  default     = "debian-12"
}

variable "ssh_keys" {
  description = "Names or ids of SSH keys in the project, for an operator's access."
  type        = list(string)
  default     = []
}

variable "nodes" {
  description = <<-EOT
    The static fleet: one entry per node, keyed by its name. token is the node token the panel
    showed when the node was added (Admin > Nodes, or POST /api/nodes); a one-time join token
    (cdj_...) works too: the node then registers itself.
  EOT
  type = map(object({
    server_type = string
    location    = string
    token       = string
  }))
  sensitive = true
}

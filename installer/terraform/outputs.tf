output "nodes" {
  description = "Each node's public IPv4: set it as the node's address in the panel."
  value       = { for name, server in hcloud_server.node : name => server.ipv4_address }
}

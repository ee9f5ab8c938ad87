provider "hcloud" {
  token = var.hcloud_token
}

locals {
  # The same template the panel's provisioner renders (installer/cloud-init.yaml): each value goes
  # in as a JSON string, which is also a double-quoted YAML scalar, as renderNodeCloudInit does.
  cloud_init_template = file("${path.module}/../cloud-init.yaml")
  install_script      = filebase64("${path.module}/../install.sh")
}

resource "hcloud_server" "node" {
  for_each = nonsensitive(toset(keys(var.nodes)))

  name        = each.key
  server_type = var.nodes[each.key].server_type
  location    = var.nodes[each.key].location
  image       = var.image
  ssh_keys    = var.ssh_keys

  user_data = replace(replace(replace(replace(replace(local.cloud_init_template,
    "{{installScript}}", jsonencode(local.install_script)),
    "{{panelUrl}}", jsonencode(var.panel_url)),
    "{{token}}", jsonencode(var.nodes[each.key].token)),
    "{{sourceUrl}}", jsonencode(var.source_url)),
  "{{agentPort}}", jsonencode(tostring(var.agent_port)))

  # A static fleet: the scaling plugin only ever touches machines labelled conductor.owned=true.
  labels = {
    "conductor.fleet" = "static"
  }

  lifecycle {
    # The token is read once, at the first boot; rotating it in the panel must not rebuild the node.
    ignore_changes = [user_data]
  }
}

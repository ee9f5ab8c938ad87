// The host's one copy of vue-router, under the bare name "vue-router" for plugin UI bundles.
export * from 'vue-router';

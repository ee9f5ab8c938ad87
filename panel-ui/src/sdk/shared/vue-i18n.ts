// The host's one copy of vue-i18n, under the bare name "vue-i18n" for plugin UI bundles.
export * from 'vue-i18n';

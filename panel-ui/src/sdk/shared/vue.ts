// The host's one copy of Vue, under the bare name "vue" for plugin UI bundles (see ../index.ts).
export * from 'vue';

# Tanya in a container: code in /opt/tanya, the shop (knowledge/, flows/, data/, .env) in the
# /srv/tanya volume, created from the sample on first start. See docs/deploy.md.
# The build stage has compilers for better-sqlite3 when no prebuilt binary fits; the image has none.
FROM node:20-bookworm-slim AS build
ENV PUPPETEER_SKIP_DOWNLOAD=1
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/tanya
COPY package.json package-lock.json .puppeteerrc.cjs ./
COPY scripts/ scripts/
COPY src/ src/
COPY bin/ bin/
COPY deploy/ deploy/
COPY knowledge/ knowledge/
COPY flows/ flows/
COPY schema/ schema/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY --from=build /opt/tanya /opt/tanya
RUN mkdir -p /srv/tanya && chown node:node /srv/tanya
USER node
WORKDIR /srv/tanya
VOLUME ["/srv/tanya"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD ["node", "/opt/tanya/deploy/healthcheck.js"]
ENTRYPOINT ["/opt/tanya/deploy/docker-entrypoint.sh"]
CMD ["start"]
